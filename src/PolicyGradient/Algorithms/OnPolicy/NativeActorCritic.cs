using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using PolicyGradient.Algorithms.OnPolicy.Simd;
using PolicyGradient.Policies;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// The forward and backward pass of an MLP actor-critic (<see cref="ActorCriticLayout"/>) in C# SIMD,
/// reading the weights straight from the flat parameter buffer θ and writing the gradient straight
/// into the flat gradient buffer, so the libtorch path, checkpoints and the optimizer state see the
/// same memory. For small networks (64-64) libtorch's per-operation dispatch costs more than the
/// arithmetic (docs/benchmarks.md); here one minibatch is a handful of <see cref="Gemm"/> calls.
/// <para>Per dense layer, with X [B, in], W [out, in], Z = X·Wᵀ + b, H = f(Z):</para>
/// <para>forward  Z = X·Wᵀ + 1bᵀ;  H = tanh(Z) = 1 − 2/(e^{2Z} + 1) or max(Z, 0);</para>
/// <para>backward ∂Z = ∂H ⊙ f′ with tanh′ = 1 − H², relu′ = 1[H &gt; 0];  ∂W = ∂Zᵀ·X;  ∂b = Σ_rows ∂Z;  ∂X = ∂Z·W.</para>
/// With a shared trunk, ∂ of its output is the sum of what the actor and the critic send back.
/// All scratch is allocated once for <c>maxBatch</c> rows. The hot methods here and in the other
/// native files are marked AggressiveOptimization: compiled optimized at their first call, because
/// under tiered compilation they ran as slow tier-0 code for the first ~100 updates of a CLI run
/// (startup JIT activity keeps postponing the tier-1 recompile; measured: 30 ms per update instead of 9).
/// </summary>
internal sealed class NativeActorCritic
{
    const int WideLayer = 16; // from this many outputs a layer multiplies by a transposed copy of W (vectorized over outputs)

    readonly float[][] _shared, _pi, _vf, _wt;
    readonly float[] _head, _value, _dA, _dB, _dTrunk, _dWt;
    bool _refresh = true;

    /// <summary>Scratch for batches of up to <paramref name="maxBatch"/> rows.</summary>
    public NativeActorCritic(ActorCriticLayout layout, int maxBatch)
    {
        Layout = layout;
        MaxBatch = maxBatch;
        float[][] Acts(DenseLayer[] chain) => chain.Select(l => new float[maxBatch * l.Outputs]).ToArray();
        (_shared, _pi, _vf) = (Acts(layout.Shared), Acts(layout.Pi), Acts(layout.Vf));
        _wt = layout.Shared.Concat(layout.Pi).Concat(layout.Vf).Select(l => new float[l.Inputs * l.Outputs]).ToArray();
        _head = new float[maxBatch * layout.Head.Outputs];
        _value = new float[maxBatch];
        int width = layout.MaxWidth;
        (_dA, _dB, _dTrunk) = (new float[maxBatch * width], new float[maxBatch * width], new float[maxBatch * width]);
        _dWt = new float[width * width];
    }

    /// <summary>The network's shape.</summary>
    public ActorCriticLayout Layout { get; }

    /// <summary>Largest batch the scratch holds.</summary>
    public int MaxBatch { get; }

    /// <summary>Action-head output of the last forward, [batch, k] row-major (logits or Gaussian mean).</summary>
    public ReadOnlySpan<float> Head(int batch) => _head.AsSpan(0, batch * Layout.Head.Outputs);

    /// <summary>
    /// Applies action masks [batch, k] (1 = allowed) to the head of the last forward: masked logits
    /// become <see cref="NativeDistribution.MaskedLogit"/> (the head is linear, so <see cref="Backward"/>
    /// does not read it; the losses then see the masked distribution).
    /// </summary>
    public void MaskHead(int batch, ReadOnlySpan<float> masks) =>
        NativeDistribution.MaskLogits(_head.AsSpan(0, batch * Layout.Head.Outputs), masks[..(batch * Layout.Head.Outputs)]);

    /// <summary>V(s) of the last forward, [batch].</summary>
    public ReadOnlySpan<float> Value(int batch) => _value.AsSpan(0, batch);

    /// <summary>
    /// Runs the network on observations <paramref name="x"/> [batch, in], caching every activation for
    /// <see cref="Backward"/>. <paramref name="weightsChanged"/> false reuses the transposed weight
    /// copies of the previous call (θ unchanged since, as during a rollout).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> theta, ReadOnlySpan<float> x, int batch, bool weightsChanged = true)
    {
        _refresh = weightsChanged;
        if (batch > MaxBatch) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"the scratch holds {MaxBatch} rows");
        var L = Layout;
        int t = 0; // index into the transposed-weight scratch
        ReadOnlySpan<float> trunk = Chain(theta, L.Shared, _shared, x, batch, ref t);
        ReadOnlySpan<float> pi = Chain(theta, L.Pi, _pi, trunk, batch, ref t);
        ReadOnlySpan<float> vf = Chain(theta, L.Vf, _vf, trunk, batch, ref t);
        Dense(theta, L.Head, pi, _head, batch, null, false);
        Dense(theta, L.Value, vf, _value, batch, null, false);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    ReadOnlySpan<float> Chain(ReadOnlySpan<float> theta, DenseLayer[] layers, float[][] acts, ReadOnlySpan<float> input, int batch, ref int t)
    {
        for (int l = 0; l < layers.Length; l++)
        {
            Dense(theta, layers[l], input, acts[l], batch, _wt[t++], true);
            input = acts[l].AsSpan(0, batch * layers[l].Outputs);
        }
        return input;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Dense(ReadOnlySpan<float> theta, DenseLayer layer, ReadOnlySpan<float> input, Span<float> output, int batch, float[]? wt, bool activate)
    {
        int n = layer.Outputs, k = layer.Inputs;
        var w = theta.Slice(layer.WeightOffset, n * k);
        if (n >= WideLayer && wt is not null)
        {
            // Wᵀ [in, out] so the product vectorizes over the outputs (4 KB per 64×64 layer, refreshed every call).
            if (_refresh)
                for (int o = 0; o < n; o++)
                    for (int i = 0; i < k; i++) wt[i * n + o] = w[o * k + i];
            Gemm.Multiply(input, k, 1, wt, n, output, n, batch, n, k, false);
        }
        else Gemm.MultiplyTransposed(input, k, w, k, output, n, batch, n, k, false);
        var bias = theta.Slice(layer.BiasOffset, n);
        for (int r = 0; r < batch; r++)
        {
            var row = output.Slice(r * n, n);
            if (activate) BiasActivate(row, bias, Layout.Activation);
            else for (int o = 0; o < n; o++) row[o] += bias[o];
        }
    }

    /// <summary>
    /// Back-propagates ∂L/∂head [batch, k] and ∂L/∂V [batch] through the network of the last
    /// <see cref="Forward"/> (same θ and x), writing (not adding) every layer's ∂W and ∂b into
    /// <paramref name="grad"/> at the layers' offsets.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> theta, ReadOnlySpan<float> x, int batch, ReadOnlySpan<float> dHead, ReadOnlySpan<float> dValue, Span<float> grad)
    {
        var L = Layout;
        ReadOnlySpan<float> trunk = L.Shared.Length > 0 ? _shared[^1].AsSpan(0, batch * L.Shared[^1].Outputs) : x;
        bool trunkGrad = L.Shared.Length > 0;
        int trunkWidth = trunkGrad ? L.Shared[^1].Outputs : L.InputSize;
        Branch(theta, L.Pi, _pi, L.Head, trunk, batch, dHead, grad, trunkGrad, accumulateTrunk: false);
        Branch(theta, L.Vf, _vf, L.Value, trunk, batch, dValue, grad, trunkGrad, accumulateTrunk: true);
        if (!trunkGrad) return;
        // The shared trunk: ∂ of its output is the sum both branches sent back (in _dTrunk).
        _dTrunk.AsSpan(0, batch * trunkWidth).CopyTo(_dA);
        BackChain(theta, L.Shared, _shared, x, batch, grad, inputGrad: false);
    }

    /// <summary>
    /// The directional derivative of the action head along a parameter direction <paramref name="v"/>
    /// (forward mode, J·v), at the θ and x of the last <see cref="Forward"/>: per dense layer
    /// ∂Z = ∂X·Wᵀ + X·∂Wᵀ + 1∂bᵀ, then ∂H = ∂Z ⊙ f′ from the cached H. Writes [batch, k] into
    /// <paramref name="dHead"/>. (TRPO's Fisher-vector products: F·v = Jᵀ M J v.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void HeadTangent(ReadOnlySpan<float> theta, ReadOnlySpan<float> v, ReadOnlySpan<float> x, int batch, Span<float> dHead)
    {
        var L = Layout;
        ReadOnlySpan<float> input = x;
        Span<float> tangent = Span<float>.Empty; // ∂ of the layer input: zero for the observations
        float[] next = _dA, spare = _dB;
        var chain = L.Shared.Select((l, i) => (l, _shared[i])).Concat(L.Pi.Select((l, i) => (l, _pi[i])));
        foreach (var (layer, acts) in chain)
        {
            int n = layer.Outputs;
            var dz = next.AsSpan(0, batch * n);
            LayerTangent(theta, v, layer, input, tangent, batch, dz);
            ActivationGrad(dz, acts.AsSpan(0, batch * n), L.Activation);
            input = acts.AsSpan(0, batch * n);
            tangent = dz;
            (next, spare) = (spare, next);
        }
        LayerTangent(theta, v, L.Head, input, tangent, batch, dHead.Slice(0, batch * L.Head.Outputs));
    }

    // ∂Z = X·∂Wᵀ + ∂X·Wᵀ + 1∂bᵀ for one dense layer.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void LayerTangent(ReadOnlySpan<float> theta, ReadOnlySpan<float> v, DenseLayer layer, ReadOnlySpan<float> input,
        ReadOnlySpan<float> inputTangent, int batch, Span<float> dz)
    {
        int n = layer.Outputs, k = layer.Inputs;
        Gemm.MultiplyTransposed(input, k, v.Slice(layer.WeightOffset, n * k), k, dz, n, batch, n, k, false);
        if (!inputTangent.IsEmpty)
            Gemm.MultiplyTransposed(inputTangent, k, theta.Slice(layer.WeightOffset, n * k), k, dz, n, batch, n, k, true);
        var db = v.Slice(layer.BiasOffset, n);
        for (int r = 0; r < batch; r++) Add(dz.Slice(r * n, n), db);
    }

    // Head layer, then the branch's hidden layers; ∂ of the branch input goes to _dTrunk when wanted.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Branch(ReadOnlySpan<float> theta, DenseLayer[] layers, float[][] acts, DenseLayer head, ReadOnlySpan<float> trunk,
        int batch, ReadOnlySpan<float> dOut, Span<float> grad, bool trunkGrad, bool accumulateTrunk)
    {
        ReadOnlySpan<float> headInput = layers.Length > 0 ? acts[^1].AsSpan(0, batch * head.Inputs) : trunk;
        bool needInput = layers.Length > 0 || trunkGrad;
        Span<float> dIn = layers.Length > 0 ? _dA : _dTrunk;
        LayerGradients(theta, head, headInput, dOut, batch, grad);
        if (needInput) Gemm.Multiply(dOut, head.Outputs, 1, theta.Slice(head.WeightOffset, head.Outputs * head.Inputs), head.Inputs,
            dIn, head.Inputs, batch, head.Inputs, head.Outputs, layers.Length == 0 && accumulateTrunk);
        if (layers.Length > 0) BackChain(theta, layers, acts, trunk, batch, grad, trunkGrad, accumulateTrunk);
    }

    // ∂ of the chain's last activation is in _dA; walks the layers down, ping-ponging _dA/_dB.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void BackChain(ReadOnlySpan<float> theta, DenseLayer[] layers, float[][] acts, ReadOnlySpan<float> input, int batch,
        Span<float> grad, bool inputGrad, bool accumulateInput = false)
    {
        float[] dOut = _dA, dNext = _dB;
        for (int l = layers.Length - 1; l >= 0; l--)
        {
            var layer = layers[l];
            int n = layer.Outputs;
            var dz = dOut.AsSpan(0, batch * n);
            ActivationGrad(dz, acts[l].AsSpan(0, batch * n), Layout.Activation);
            ReadOnlySpan<float> layerInput = l > 0 ? acts[l - 1].AsSpan(0, batch * layer.Inputs) : input;
            LayerGradients(theta, layer, layerInput, dz, batch, grad);
            if (l == 0 && !inputGrad) break;
            var target = l > 0 ? dNext : _dTrunk;
            Gemm.Multiply(dz, n, 1, theta.Slice(layer.WeightOffset, n * layer.Inputs), layer.Inputs,
                target, layer.Inputs, batch, layer.Inputs, n, l == 0 && accumulateInput);
            (dOut, dNext) = (dNext, dOut);
        }
    }

    // ∂W = ∂Zᵀ·X and ∂b = Σ_rows ∂Z, written into grad.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void LayerGradients(ReadOnlySpan<float> theta, DenseLayer layer, ReadOnlySpan<float> input, ReadOnlySpan<float> dz, int batch, Span<float> grad)
    {
        int n = layer.Outputs, k = layer.Inputs;
        var gw = grad.Slice(layer.WeightOffset, n * k);
        if (k >= WideLayer)
            Gemm.Multiply(dz, 1, n, input, k, gw, k, n, k, batch, false);                  // rows o, columns i
        else
        {
            Gemm.Multiply(input, 1, k, dz, n, _dWt, n, k, n, batch, false);               // ∂Wᵀ: rows i, columns o
            for (int o = 0; o < n; o++)
                for (int i = 0; i < k; i++) gw[o * k + i] = _dWt[i * n + o];
        }
        var gb = grad.Slice(layer.BiasOffset, n);
        gb.Clear();
        for (int r = 0; r < batch; r++) Add(gb, dz.Slice(r * n, n));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Add(Span<float> sum, ReadOnlySpan<float> x)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= sum.Length; i += 16)
                (Vector512.Create(sum.Slice(i, 16)) + Vector512.Create(x.Slice(i, 16))).CopyTo(sum.Slice(i, 16));
        for (; i < sum.Length; i++) sum[i] += x[i];
    }

    /// <summary>row ← f(row + bias): tanh(z) = 1 − 2/(e^{2z} + 1) (exact to float rounding; saturates to ±1) or ReLU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BiasActivate(Span<float> row, ReadOnlySpan<float> bias, Activation activation)
    {
        int i = 0;
        ref float r0 = ref MemoryMarshal.GetReference(row);
        ref float b0 = ref MemoryMarshal.GetReference(bias);
        if (Vector512.IsHardwareAccelerated)
        {
            var one = Vector512.Create(1f);
            var two = Vector512.Create(2f);
            for (; i + 16 <= row.Length; i += 16)
            {
                var z = Vector512.LoadUnsafe(ref r0, (nuint)i) + Vector512.LoadUnsafe(ref b0, (nuint)i);
                var h = activation == Activation.Tanh
                    ? one - two / (Vector512.Exp(z * two) + one)
                    : Vector512.Max(z, Vector512<float>.Zero);
                h.StoreUnsafe(ref r0, (nuint)i);
            }
        }
        for (; i < row.Length; i++)
        {
            float z = row[i] + bias[i];
            row[i] = activation == Activation.Tanh ? 1f - 2f / (MathF.Exp(2f * z) + 1f) : Math.Max(z, 0f);
        }
    }

    /// <summary>∂Z = ∂H ⊙ f′(Z) in place, from the activation H: tanh′ = 1 − H², relu′ = 1[H &gt; 0].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ActivationGrad(Span<float> dh, ReadOnlySpan<float> h, Activation activation)
    {
        int i = 0;
        ref float d0 = ref MemoryMarshal.GetReference(dh);
        ref float h0 = ref MemoryMarshal.GetReference(h);
        if (Vector512.IsHardwareAccelerated)
        {
            var one = Vector512.Create(1f);
            for (; i + 16 <= dh.Length; i += 16)
            {
                var hv = Vector512.LoadUnsafe(ref h0, (nuint)i);
                var d = Vector512.LoadUnsafe(ref d0, (nuint)i);
                var g = activation == Activation.Tanh
                    ? d * (one - hv * hv)
                    : Vector512.ConditionalSelect(Vector512.GreaterThan(hv, Vector512<float>.Zero), d, Vector512<float>.Zero);
                g.StoreUnsafe(ref d0, (nuint)i);
            }
        }
        for (; i < dh.Length; i++)
            dh[i] = activation == Activation.Tanh ? dh[i] * (1f - h[i] * h[i]) : h[i] > 0 ? dh[i] : 0f;
    }
}
