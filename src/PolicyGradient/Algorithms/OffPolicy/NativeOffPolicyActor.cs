using System.Runtime.InteropServices;
using PolicyGradient.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// The acting forward pass of a deterministic (TD3, DDPG) or squashed-Gaussian (SAC) actor on
/// <see cref="NativeMlp"/>, for the one-row-per-env batches of a rollout where libtorch's per-operation
/// cost (about 20 operations per call) dominates. It computes what <see cref="TensorOffPolicyActor"/>
/// computes — a = tanh(μ) or tanh(μ + σε) with log σ clamped to [−20, 2] — and draws ε with the same
/// <c>torch.randn([rows, act], generator)</c> call, so both consume the run's generator alike.
/// Categorical actors (discrete SAC) keep the tensor actor.
/// </summary>
internal sealed class NativeOffPolicyActor : IOffPolicyActor
{
    const int TransposedFrom = 8; // from this many rows the forward multiplies by rebuilt transposed weights (else dot products on W)

    readonly OffPolicyNetworks _networks;
    readonly OffPolicyActorKind _kind;
    readonly int _actions;
    NativeMlp _net;
    float[] _input = [];

    /// <summary>The acting pass of <paramref name="networks"/>' actor.</summary>
    /// <exception cref="ArgumentException">A categorical actor.</exception>
    public NativeOffPolicyActor(OffPolicyNetworks networks, OffPolicyActorKind kind, int actionSize)
    {
        if (kind == OffPolicyActorKind.Categorical) throw new ArgumentException("categorical actors act through the tensor actor", nameof(kind));
        (_networks, _kind, _actions) = (networks, kind, actionSize);
        _net = new NativeMlp(networks.ActorLayout, networks.Actor, TransposedFrom);
    }

    /// <summary>Whether <paramref name="networks"/>' actor can act natively (CPU, ReLU or tanh, not categorical).</summary>
    public static bool Supports(OffPolicyNetworks networks, OffPolicyActorKind kind) =>
        kind != OffPolicyActorKind.Categorical && networks.Actor.Data.device_type == DeviceType.CPU
        && networks.ActorLayout.Activation is Activation.ReLU or Activation.Tanh;

    /// <inheritdoc />
    public void Act(ReadOnlySpan<float> observations, int rows, Span<float> actions, bool deterministic, torch.Generator generator)
    {
        int obs = _net.Layout.InputSize, outputs = _net.Layout.OutputSize;
        if (_input.Length < rows * obs) _input = new float[rows * obs];
        observations.Slice(0, rows * obs).CopyTo(_input);
        if (rows > _net.MaxBatch) _net = new NativeMlp(_net.Layout, _networks.Actor, rows);
        if (rows >= TransposedFrom)
        {
            _net.RefreshTransposed(); // the weights change between calls
            _net.Forward(_input, 0, rows);
        }
        else _net.ForwardDirect(_input, rows);
        ReadOnlySpan<float> output = _net.Output(rows);
        if (_kind == OffPolicyActorKind.Deterministic || deterministic)
        {
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < _actions; j++) actions[r * _actions + j] = MathF.Tanh(output[r * outputs + j]);
            return;
        }
        using var noise = torch.randn([rows, _actions], generator: generator);
        ReadOnlySpan<float> eps = MemoryMarshal.Cast<byte, float>(noise.bytes);
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < _actions; j++)
            {
                float mean = output[r * outputs + j], logStd = Math.Clamp(output[r * outputs + _actions + j], -20f, 2f);
                actions[r * _actions + j] = MathF.Tanh(mean + MathF.Exp(logStd) * eps[r * _actions + j]);
            }
    }
}
