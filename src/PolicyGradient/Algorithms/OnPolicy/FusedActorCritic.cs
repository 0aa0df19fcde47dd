using PolicyGradient.Interop;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Policies;
using PolicyGradient.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// The forward pass of an <see cref="ActorCriticPolicy"/> computed from ONE flat parameter buffer
/// (<see cref="FlatParameters"/>), so the optimizer and the gradient clip act on one tensor. When the
/// actor and the critic are separate MLPs with equal hidden sizes (SB3's default 64-64 / 64-64), their
/// layers are stored side by side and evaluated together: one batched matmul (bmm) per depth
/// instead of two Linear calls — the "fused actor + critic forward". Otherwise it runs layer by layer.
/// The policy module only provides the initial weights (orthogonal init), the layer names used in
/// checkpoints ("policy.&lt;name&gt;") and the architecture; call <see cref="SyncToPolicy"/> before
/// using the module directly.
/// </summary>
internal sealed class FusedActorCritic : IDisposable
{
    readonly record struct Group(long Size, long[] Shape);

    readonly List<Group> _groups = [];
    readonly int[] _sharedW = [], _sharedB = [], _piW = [], _piB = [], _vfW = [], _vfB = [];
    readonly int _headW, _headB, _valueW, _valueB, _logStd = -1;
    readonly Func<Tensor, Tensor> _activation;
    readonly List<(string Name, Tensor Value)> _order = [];

    /// <summary>
    /// tanh(x) = 2σ(2x) − 1. On the CPU, libtorch 2.10's tanh kernel took 94 µs for a 256×64 tensor
    /// here against 6 µs for sigmoid (measured with bench/PpoSpeed micro), so four cheap ops beat one
    /// slow one; the absolute error stays at float rounding (~1e-7).
    /// </summary>
    internal static Tensor FastTanh(Tensor x) => x.mul(Two).sigmoid().mul(Two).sub_(One);

    static readonly Scalar Two = 2.ToScalar(), One = 1.ToScalar();

    public FusedActorCritic(ActorCriticPolicy policy, Device device)
    {
        Policy = policy;
        _activation = policy.Options.Activation switch
        {
            Activation.Tanh => device.type == DeviceType.CPU ? FastTanh : x => x.tanh(),
            Activation.ReLU => x => x.relu(),
            Activation.GELU => x => nn.functional.gelu(x),
            Activation.SiLU => x => nn.functional.silu(x),
            Activation.ELU => x => nn.functional.elu(x, 1.0),
            _ => throw new ArgumentOutOfRangeException(nameof(policy), policy.Options.Activation, "unknown activation"),
        };

        // The layers come from the policy's structure (typed references); the names only label them in checkpoints.
        var names = policy.named_parameters().ToDictionary(p => p.parameter.Handle, p => p.name);
        (string, Tensor) Named(Tensor t) => (names[t.Handle], t);
        IReadOnlyList<Linear> shared = policy.SharedLayers, pi = policy.PiLayers, vf = policy.VfLayers;
        // Fusable: separate actor and critic trunks of the same depth and widths.
        Stacked = shared.Count == 0 && pi.Count > 0 && pi.Count == vf.Count &&
                  pi.Zip(vf).All(p => p.First.weight!.shape.SequenceEqual(p.Second.weight!.shape));
        if (Stacked)
        {
            (_piW, _piB) = (new int[pi.Count], new int[pi.Count]);
            for (int i = 0; i < pi.Count; i++)
            {
                _piW[i] = Add(Named(pi[i].weight!), Named(vf[i].weight!)); // [2, out, in]
                _piB[i] = Add(Named(pi[i].bias!), Named(vf[i].bias!));     // [2, out]
            }
        }
        else
        {
            (_sharedW, _sharedB) = Chain(shared, Named);
            (_piW, _piB) = Chain(pi, Named);
            (_vfW, _vfB) = Chain(vf, Named);
        }
        _headW = Add(Named(policy.ActionNet.weight!)); _headB = Add(Named(policy.ActionNet.bias!));
        _valueW = Add(Named(policy.ValueNet.weight!)); _valueB = Add(Named(policy.ValueNet.bias!));
        if (policy.LogStd is not null) _logStd = Add(Named(policy.LogStd));
        if (_order.Count != names.Count)
            throw new InvalidOperationException($"FusedActorCritic packed {_order.Count} of the policy's {names.Count} parameters ({string.Join(", ", names.Values)}); ActorCriticPolicy gained a parameter outside its layer lists");
        Parameters = new FlatParameters(_order, device);
        Layout = BuildLayout();
    }

    // One group per tensor; a stacked group holds the actor's block first, then the critic's.
    int Add(params (string Name, Tensor Value)[] tensors)
    {
        _order.AddRange(tensors);
        long size = tensors.Sum(t => t.Value.numel());
        long[] shape = tensors.Length == 1 ? tensors[0].Value.shape : [tensors.Length, .. tensors[0].Value.shape];
        _groups.Add(new Group(size, shape));
        return _groups.Count - 1;
    }

    (int[] W, int[] B) Chain(IReadOnlyList<Linear> layers, Func<Tensor, (string, Tensor)> named)
    {
        var w = new int[layers.Count];
        var b = new int[layers.Count];
        // Weights first, then biases, per chain: the flat buffer's order (and the optimizer state's) stays as before.
        for (int i = 0; i < layers.Count; i++) w[i] = Add(named(layers[i].weight!));
        for (int i = 0; i < layers.Count; i++) b[i] = Add(named(layers[i].bias!));
        return (w, b);
    }

    /// <summary>The module the weights came from (its own parameters are stale until <see cref="SyncToPolicy"/>).</summary>
    public ActorCriticPolicy Policy { get; }

    /// <summary>The flat parameter buffer (the optimizer's only parameter).</summary>
    public FlatParameters Parameters { get; }

    /// <summary>True when actor and critic layers are evaluated together by batched matmuls.</summary>
    public bool Stacked { get; }

    /// <summary>Weight views of the flat buffer, one per layer group (differentiable; reuse them under no_grad).</summary>
    public Tensor[] Weights()
    {
        var parts = Parameters.Data.split(_groups.Select(g => g.Size).ToArray());
        for (int i = 0; i < parts.Length; i++) parts[i] = parts[i].view(_groups[i].Shape);
        return parts;
    }

    /// <summary>Action-head output [B, k] (logits or Gaussian mean) and V(s) [B] for observations [B, obs].</summary>
    public (Tensor Head, Tensor Value) Forward(Tensor observations, Tensor[]? weights = null)
    {
        var w = weights ?? Weights();
        var x = Policy.Features(observations);
        Tensor pi, vf;
        if (Stacked)
        {
            // Both networks at once: h ← act(b + h·Wᵀ) on a [2, B, width] batch (index 0 actor, 1 critic).
            var h = x.unsqueeze(0).expand(2, -1, -1);
            for (int i = 0; i < _piW.Length; i++)
                h = _activation(torch.bmm(h, w[_piW[i]].transpose(1, 2)).add_(w[_piB[i]].unsqueeze(1), TorchScalars.One)); // (TorchSharp 0.107's baddbmm binding misorders its arguments)
            var both = h.unbind(0);
            (pi, vf) = (both[0], both[1]);
        }
        else
        {
            for (int i = 0; i < _sharedW.Length; i++) x = _activation(nn.functional.linear(x, w[_sharedW[i]], w[_sharedB[i]]));
            pi = vf = x;
            for (int i = 0; i < _piW.Length; i++) pi = _activation(nn.functional.linear(pi, w[_piW[i]], w[_piB[i]]));
            for (int i = 0; i < _vfW.Length; i++) vf = _activation(nn.functional.linear(vf, w[_vfW[i]], w[_vfB[i]]));
        }
        var head = nn.functional.linear(pi, w[_headW], w[_headB]);
        var value = nn.functional.linear(vf, w[_valueW], w[_valueB]).view(-1);
        return (head, value);
    }

    /// <summary>The action distribution for an action-head output (log σ from the flat buffer, so it trains).</summary>
    public IActionDistribution Distribution(Tensor head, Tensor[] weights, Tensor? actionMask = null) => Policy.Distribution(head, _logStd >= 0 ? weights[_logStd] : null, actionMask);

    /// <summary>The network as offsets into <see cref="Parameters"/> (the one description; see <see cref="ActorCriticLayout"/>).</summary>
    public ActorCriticLayout Layout { get; }

    /// <summary>
    /// <see cref="Layout"/> when the native kernels can compute this network, else null (activation
    /// other than tanh/ReLU, one-hot features, MultiDiscrete or MultiBinary actions).
    /// </summary>
    public ActorCriticLayout? NativeLayout() => Layout.SupportsNative ? Layout : null;

    // Offsets of every group in the flat buffer; a stacked group [2, out, in] holds the actor's block first, then the critic's.
    ActorCriticLayout BuildLayout()
    {
        var offsets = new int[_groups.Count];
        for (int g = 1; g < offsets.Length; g++) offsets[g] = offsets[g - 1] + (int)_groups[g - 1].Size;
        DenseLayer One(int w, int b) => new(offsets[w], offsets[b], (int)_groups[w].Shape[^1], (int)_groups[w].Shape[^2]);
        DenseLayer Second(int w, int b) { var l = One(w, b); return l with { WeightOffset = l.WeightOffset + l.Inputs * l.Outputs, BiasOffset = l.BiasOffset + l.Outputs }; }
        DenseLayer[] Chain(int[] w, int[] b) => w.Select((wi, i) => One(wi, b[i])).ToArray();
        return new ActorCriticLayout(
            Shared: Chain(_sharedW, _sharedB),
            Pi: Chain(_piW, _piB),
            Vf: Stacked ? _piW.Select((wi, i) => Second(wi, _piB[i])).ToArray() : Chain(_vfW, _vfB),
            Head: One(_headW, _headB), Value: One(_valueW, _valueB),
            LogStdOffset: _logStd >= 0 ? offsets[_logStd] : -1,
            Activation: Policy.Options.Activation, ActionKind: Policy.ActionKind,
            PlainFeatures: Policy.FeatureSize == Policy.ObservationSpace.FlatSize && Policy.ObservationSpace is Environments.Spaces.Box,
            InputSize: Policy.FeatureSize, ParameterCount: (int)Parameters.Count);
    }

    /// <summary>Copies the flat buffer's values into the policy module's own parameters.</summary>
    public void SyncToPolicy()
    {
        using var _ = torch.no_grad();
        foreach (var (name, p) in Policy.named_parameters())
        {
            using var v = Parameters.Get(name);
            p.copy_(v);
        }
    }

    public void Dispose() => Parameters.Dispose();
}
