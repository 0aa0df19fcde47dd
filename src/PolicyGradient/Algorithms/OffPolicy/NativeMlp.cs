using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Algorithms.OnPolicy.Simd;
using PolicyGradient.Optimizers;
using PolicyGradient.Policies;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// One <see cref="MlpLayout"/> network (an off-policy actor or one critic) on the native SIMD kernels,
/// reading its weights from, and writing its gradients to, the <see cref="FlatParameters"/> buffers the
/// tensor path and the optimizer use. Per dense layer, X [B, in], W [out, in], Z = X·Wᵀ + b, H = f(Z):
/// <para>forward Z = X·Wᵀ + 1bᵀ (H = max(Z, 0) or tanh(Z) on hidden layers, the last layer linear);</para>
/// <para>backward ∂Z = ∂H ⊙ f′ (relu′ = 1[H &gt; 0], tanh′ = 1 − H²); ∂W = ∂Zᵀ·X; ∂b = Σ_rows ∂Z; ∂X = ∂Z·W.</para>
/// The forward product vectorizes over the outputs, so it multiplies by a transposed copy Wᵀ that
/// <see cref="RefreshTransposed"/> rebuilds when the weights may have changed (the steps: at their start
/// and after the optimizer step of a network they read again), not per call. Weight and input gradients of one layer are independent given ∂Z and
/// can run on two <see cref="NativeLanes"/>. All scratch is allocated once for <c>maxBatch</c> rows.
/// </summary>
internal sealed class NativeMlp
{
    const int WideLayer = 16; // from this many columns a product vectorizes over them (else dot products)

    readonly FlatParameters _parameters;
    readonly float[][] _acts, _wt;
    readonly float[] _dA, _dB, _dWt;
    readonly Action _weightWork, _inputWork;
    // State of the layer being back-propagated (read by the two lane delegates).
    float[] _bInput = [], _bDz = [], _bDNext = [];
    float[]? _bDInput;
    int _bLayer, _bBatch, _bInputFrom, _bInputCount;

    /// <summary>A network laid out by <paramref name="layout"/> in <paramref name="parameters"/>, scratch for <paramref name="maxBatch"/> rows.</summary>
    /// <exception cref="NotSupportedException">The hidden activation is neither ReLU nor tanh.</exception>
    public NativeMlp(MlpLayout layout, FlatParameters parameters, int maxBatch)
    {
        if (layout.Activation is not (Activation.ReLU or Activation.Tanh))
            throw new NotSupportedException($"the native off-policy kernels support ReLU and tanh hidden layers, not {layout.Activation}; set backend: libtorch");
        if (layout.End > parameters.Count)
            throw new ArgumentException($"the layout ends at {layout.End} but the parameter buffer holds {parameters.Count} floats", nameof(layout));
        (Layout, _parameters, MaxBatch) = (layout, parameters, maxBatch);
        _acts = layout.Layers.Select(l => new float[maxBatch * l.Outputs]).ToArray();
        _wt = layout.Layers.Select(l => new float[l.Inputs * l.Outputs]).ToArray();
        int width = layout.MaxWidth;
        (_dA, _dB) = (new float[maxBatch * width], new float[maxBatch * width]);
        _dWt = new float[WideLayer * width];
        (_weightWork, _inputWork) = (WeightGradientWork, InputGradientWork);
        RefreshTransposed();
    }

    /// <summary>The network's shape and place in the buffer.</summary>
    public MlpLayout Layout { get; }

    /// <summary>Largest batch the scratch holds.</summary>
    public int MaxBatch { get; }

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <summary>Rebuilds the transposed weight copies from the buffer: call after every change of the weights before the next <see cref="Forward(float[], int, int)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RefreshTransposed()
    {
        ReadOnlySpan<float> theta = Floats(_parameters.Data);
        for (int l = 0; l < _wt.Length; l++)
        {
            var layer = Layout.Layers[l];
            Transpose(theta.Slice(layer.WeightOffset, layer.Outputs * layer.Inputs), _wt[l], layer.Outputs, layer.Inputs);
        }
    }

    /// <summary>
    /// dst[c, r] = src[r, c] for a rows × cols matrix: 8 × 8 blocks in AVX registers (unpack, shuffle,
    /// 128-bit permute: 24 shuffles per 64 floats), the ragged edges one float at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Transpose(ReadOnlySpan<float> src, Span<float> dst, int rows, int cols)
    {
        if (src.Length < rows * cols || dst.Length < rows * cols) throw new ArgumentException("transpose buffers too small");
        ref float s0 = ref MemoryMarshal.GetReference(src);
        ref float d0 = ref MemoryMarshal.GetReference(dst);
        int r8 = Avx.IsSupported ? rows & ~7 : 0, c8 = Avx.IsSupported ? cols & ~7 : 0;
        for (int r = 0; r < r8; r += 8)
            for (int c = 0; c < c8; c += 8) Transpose8x8(ref Unsafe.Add(ref s0, r * cols + c), cols, ref Unsafe.Add(ref d0, c * rows + r), rows);
        for (int r = 0; r < rows; r++)
            for (int c = r < r8 ? c8 : 0; c < cols; c++) Unsafe.Add(ref d0, c * rows + r) = Unsafe.Add(ref s0, r * cols + c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose8x8(ref float src, int lds, ref float dst, int ldd)
    {
        var a0 = Vector256.LoadUnsafe(ref src); var a1 = Vector256.LoadUnsafe(ref src, (nuint)lds);
        var a2 = Vector256.LoadUnsafe(ref src, (nuint)(2 * lds)); var a3 = Vector256.LoadUnsafe(ref src, (nuint)(3 * lds));
        var a4 = Vector256.LoadUnsafe(ref src, (nuint)(4 * lds)); var a5 = Vector256.LoadUnsafe(ref src, (nuint)(5 * lds));
        var a6 = Vector256.LoadUnsafe(ref src, (nuint)(6 * lds)); var a7 = Vector256.LoadUnsafe(ref src, (nuint)(7 * lds));
        var t0 = Avx.UnpackLow(a0, a1); var t1 = Avx.UnpackHigh(a0, a1); var t2 = Avx.UnpackLow(a2, a3); var t3 = Avx.UnpackHigh(a2, a3);
        var t4 = Avx.UnpackLow(a4, a5); var t5 = Avx.UnpackHigh(a4, a5); var t6 = Avx.UnpackLow(a6, a7); var t7 = Avx.UnpackHigh(a6, a7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE); var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE); var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref dst);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref dst, (nuint)ldd);
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref dst, (nuint)(2 * ldd));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref dst, (nuint)(3 * ldd));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref dst, (nuint)(4 * ldd));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref dst, (nuint)(5 * ldd));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref dst, (nuint)(6 * ldd));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref dst, (nuint)(7 * ldd));
    }

    /// <summary>
    /// Runs rows [<paramref name="from"/>, <paramref name="to"/>) of <paramref name="input"/> [rows, in]
    /// through the network, keeping every activation (same rows) for <see cref="Backward"/>. Rows are
    /// independent, so disjoint ranges may run on two lanes.
    /// </summary>
    public void Forward(float[] input, int from, int to) => Forward(input, from, to, transposed: true);

    /// <summary>
    /// Runs the first <paramref name="rows"/> rows of <paramref name="input"/> as dot products on W itself,
    /// without the transposed copies (no <see cref="RefreshTransposed"/> needed): for a few rows at a time
    /// (acting in the envs), where rebuilding Wᵀ would cost more than the product.
    /// </summary>
    public void ForwardDirect(float[] input, int rows) => Forward(input, 0, rows, transposed: false);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Forward(float[] input, int from, int to, bool transposed)
    {
        if (to > MaxBatch) throw new ArgumentOutOfRangeException(nameof(to), to, $"the scratch holds {MaxBatch} rows");
        ReadOnlySpan<float> theta = Floats(_parameters.Data);
        int rows = to - from;
        ReadOnlySpan<float> x = input.AsSpan(from * Layout.InputSize, rows * Layout.InputSize);
        for (int l = 0; l < Layout.Layers.Length; l++)
        {
            var layer = Layout.Layers[l];
            int n = layer.Outputs, k = layer.Inputs;
            var y = _acts[l].AsSpan(from * n, rows * n);
            if (n >= WideLayer && transposed) Gemm.Multiply(x, k, 1, _wt[l], n, y, n, rows, n, k, false);
            else Gemm.MultiplyTransposed(x, k, theta.Slice(layer.WeightOffset, n * k), k, y, n, rows, n, k, false);
            var bias = theta.Slice(layer.BiasOffset, n);
            bool hidden = l < Layout.Layers.Length - 1;
            for (int r = 0; r < rows; r++)
            {
                var row = y.Slice(r * n, n);
                if (hidden) NativeActorCritic.BiasActivate(row, bias, Layout.Activation);
                else AddRow(row, bias);
            }
            x = y;
        }
    }

    /// <summary>Runs all <paramref name="batch"/> rows of <paramref name="input"/> through the network.</summary>
    public void Forward(float[] input, int batch) => Forward(input, 0, batch);

    /// <summary>
    /// Moves the activations of rows <paramref name="rows"/>[i] (ascending) of the last forward to rows i, so a
    /// <see cref="Backward"/> over the first <c>rows.Length</c> rows back-propagates only those (each row's
    /// input gradient depends on its own row alone, so the values are the same as in a full backward).
    /// </summary>
    public void CompactRows(ReadOnlySpan<int> rows)
    {
        for (int l = 0; l < _acts.Length - 1; l++)
        {
            int n = Layout.Layers[l].Outputs;
            for (int i = 0; i < rows.Length; i++)
                if (rows[i] != i) _acts[l].AsSpan(rows[i] * n, n).CopyTo(_acts[l].AsSpan(i * n, n));
        }
    }

    /// <summary>The output of the last <see cref="Forward(float[], int, int)"/>, [batch, out] row-major.</summary>
    public Span<float> Output(int batch) => _acts[^1].AsSpan(0, batch * Layout.OutputSize);

    /// <summary>
    /// Back-propagates ∂L/∂output <paramref name="dOutput"/> [batch, out] through the network of the last
    /// <see cref="Forward(float[], int, int)"/> on <paramref name="input"/>. With <paramref name="weightGradients"/> it writes
    /// (not adds) every layer's ∂W and ∂b into the buffer's gradient at the layout's offsets; with
    /// <paramref name="dInput"/> it writes ∂L/∂input for input columns [inputFrom, inputFrom + inputCount)
    /// as [batch, inputCount] (SAC's and TD3's actor losses need ∂Q/∂a only, not the critics' weight
    /// gradients). With <paramref name="lanes"/>, each layer's weight and input gradients run in parallel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(float[] input, float[] dOutput, int batch, bool weightGradients,
        float[]? dInput = null, int inputFrom = 0, int inputCount = 0, NativeLanes? lanes = null)
    {
        if (dInput is not null && (inputFrom < 0 || inputCount <= 0 || inputFrom + inputCount > Layout.InputSize))
            throw new ArgumentOutOfRangeException(nameof(inputCount), $"input columns [{inputFrom}, {inputFrom + inputCount}) lie outside the {Layout.InputSize} inputs");
        (_bInput, _bBatch, _bDInput, _bInputFrom, _bInputCount) = (input, batch, dInput, inputFrom, inputCount);
        float[] dz = dOutput, next = _dA;
        for (int l = Layout.Layers.Length - 1; l >= 0; l--)
        {
            (_bLayer, _bDz, _bDNext) = (l, dz, next);
            bool inputWork = l > 0 || dInput is not null;
            if (weightGradients && inputWork && lanes is not null) lanes.Run(_weightWork, _inputWork);
            else
            {
                if (weightGradients) _weightWork();
                if (inputWork) _inputWork();
            }
            if (l == 0) break;
            dz = next;
            next = ReferenceEquals(next, _dA) ? _dB : _dA;
        }
    }

    // ∂W = ∂Zᵀ·X and ∂b = Σ_rows ∂Z of layer _bLayer, written into the gradient buffer.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void WeightGradientWork()
    {
        var layer = Layout.Layers[_bLayer];
        int n = layer.Outputs, k = layer.Inputs, batch = _bBatch;
        Span<float> grad = Floats(_parameters.Grad);
        ReadOnlySpan<float> x = _bLayer > 0 ? _acts[_bLayer - 1].AsSpan(0, batch * k) : _bInput.AsSpan(0, batch * k);
        ReadOnlySpan<float> dz = _bDz.AsSpan(0, batch * n);
        var gw = grad.Slice(layer.WeightOffset, n * k);
        if (k >= WideLayer) Gemm.Multiply(dz, 1, n, x, k, gw, k, n, k, batch, false); // rows o, columns i
        else
        {
            // A narrow input (the observation layer): ∂Wᵀ = Xᵀ·∂Z vectorizes over the outputs, then one small transpose.
            Gemm.Multiply(x, 1, k, dz, n, _dWt, n, k, n, batch, false);
            Transpose(_dWt.AsSpan(0, k * n), gw, k, n);
        }
        var gb = grad.Slice(layer.BiasOffset, n);
        gb.Clear();
        for (int r = 0; r < batch; r++) AddRow(gb, dz.Slice(r * n, n));
    }

    // ∂X = ∂Z·W of layer _bLayer: into the next ∂ scratch (times f′ of the layer below) or the caller's dInput columns.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void InputGradientWork()
    {
        var layer = Layout.Layers[_bLayer];
        int n = layer.Outputs, k = layer.Inputs, batch = _bBatch;
        ReadOnlySpan<float> dz = _bDz.AsSpan(0, batch * n);
        if (_bLayer > 0)
        {
            var dx = _bDNext.AsSpan(0, batch * k);
            InputGradient(layer, _bLayer, dz, batch, dx, 0, k);
            NativeActorCritic.ActivationGrad(dx, _acts[_bLayer - 1].AsSpan(0, batch * k), Layout.Activation);
        }
        else InputGradient(layer, 0, dz, batch, _bDInput.AsSpan(0, batch * _bInputCount), _bInputFrom, _bInputCount);
    }

    // dst[b, c] = Σ_o ∂Z[b, o]·W[o, from + c] for c < count.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void InputGradient(DenseLayer layer, int l, ReadOnlySpan<float> dz, int batch, Span<float> dst, int from, int count)
    {
        int n = layer.Outputs, k = layer.Inputs;
        if (count >= WideLayer)
        {
            ReadOnlySpan<float> w = Floats(_parameters.Data).Slice(layer.WeightOffset + from, n * k - from);
            Gemm.Multiply(dz, n, 1, w, k, dst, count, batch, count, n, false);
        }
        else Gemm.MultiplyTransposed(dz, n, _wt[l].AsSpan(from * n, count * n), n, dst, count, batch, count, n, false);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void AddRow(Span<float> sum, ReadOnlySpan<float> x)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= sum.Length; i += 16)
                (Vector512.Create(sum.Slice(i, 16)) + Vector512.Create(x.Slice(i, 16))).CopyTo(sum.Slice(i, 16));
        for (; i < sum.Length; i++) sum[i] += x[i];
    }
}
