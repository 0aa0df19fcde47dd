using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// Rollout inference for the N env copies through <see cref="NativeActorCritic"/>: one forward, then
/// the action drawn by inverse transform from noise of the run's torch generator, drawn for the whole
/// rollout in one torch call (<see cref="BeginRollout"/>) instead of the ~20 ops per step of the
/// tensor forward, distribution, sample and log-prob. The generator's state stays the checkpointed
/// "rng.torch" and checkpoints fall between rollouts, so a resumed run draws what the uninterrupted
/// one draws (the stream differs from the tensor path's torch.multinomial draws).
/// <para>Categorical: inverse transform from u ~ U[0, 1); DiagGaussian: a = μ + σ ⊙ ε, ε ~ N(0, I)
/// (<see cref="NativeDistribution.CategoricalSample"/>, <see cref="NativeDistribution.GaussianSample"/>).</para>
/// </summary>
internal sealed class NativeRolloutPolicy
{
    readonly NativeActorCritic _net;
    readonly FusedActorCritic? _fused;
    readonly float[] _theta = [];
    readonly int _k;
    float[] _noise = [];
    int _next;
    bool _weightsSeen; // θ is fixed during a rollout: transpose the weights once per rollout

    /// <summary>For up to <paramref name="maxRows"/> observations per call.</summary>
    public NativeRolloutPolicy(FusedActorCritic fused, ActorCriticLayout layout, int maxRows)
    {
        _fused = fused;
        _net = new NativeActorCritic(layout, maxRows);
        _k = layout.Head.Outputs;
    }

    /// <summary>
    /// For a rollout partition away from the learner (a worker of a cluster run): θ lives in
    /// <paramref name="theta"/> (the flat buffer's layout, <see cref="ActorCriticLayout.ParameterCount"/>
    /// floats), which the caller overwrites between rollouts (<see cref="WeightsChanged"/>).
    /// </summary>
    public NativeRolloutPolicy(ActorCriticLayout layout, float[] theta, int maxRows)
    {
        if (theta.Length != layout.ParameterCount)
            throw new ArgumentException($"θ has {theta.Length} values, the layout needs {layout.ParameterCount}", nameof(theta));
        _theta = theta;
        _net = new NativeActorCritic(layout, maxRows);
        _k = layout.Head.Outputs;
    }

    /// <summary>Noise values one row's action takes: k for a Gaussian head, 1 for a categorical one.</summary>
    public int DrawsPerRow => _net.Layout.Gaussian ? _k : 1;

    /// <summary>The noise <see cref="BeginRollout"/> drew, [steps × rows × <see cref="DrawsPerRow"/>] in step-major order.</summary>
    public ReadOnlySpan<float> Noise => _noise;

    /// <summary>Starts a rollout on noise drawn elsewhere (a worker's columns of the learner's draw, same order as <see cref="Noise"/>).</summary>
    public void UseRolloutNoise(ReadOnlySpan<float> noise)
    {
        if (_noise.Length != noise.Length) _noise = new float[noise.Length];
        noise.CopyTo(_noise);
        _next = 0;
        _weightsSeen = false;
    }

    /// <summary>θ was overwritten: the next forward re-reads it (transposed copies refreshed).</summary>
    public void WeightsChanged() => _weightsSeen = false;

    Span<float> Theta => _fused is null ? _theta : Floats(_fused.Parameters.Data);

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <summary>Draws the sampling noise of a rollout of <paramref name="steps"/> × <paramref name="rows"/> actions: U[0, 1) per categorical action, N(0, 1) per Gaussian component.</summary>
    public void BeginRollout(torch.Generator generator, int steps, int rows)
    {
        using var scope = torch.NewDisposeScope();
        var noise = _net.Layout.Gaussian ? torch.randn(steps * rows * _k, generator: generator) : torch.rand(steps * rows, generator: generator);
        if (_noise.Length != noise.numel()) _noise = new float[noise.numel()];
        Floats(noise).CopyTo(_noise);
        _next = 0;
        _weightsSeen = false;
    }

    /// <summary>
    /// Samples actions [rows, k] (a Discrete action as its index) with their log-probabilities and values;
    /// <paramref name="actionMasks"/> [rows, k] (1 = allowed), when not empty, restricts a categorical to the allowed actions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Act(ReadOnlySpan<float> observations, int rows, Span<float> actions, Span<float> logProbs, Span<float> values, ReadOnlySpan<float> actionMasks = default)
    {
        var theta = Theta;
        _net.Forward(theta, observations, rows, weightsChanged: !_weightsSeen);
        _weightsSeen = true;
        if (!actionMasks.IsEmpty) _net.MaskHead(rows, actionMasks);
        var head = _net.Head(rows);
        _net.Value(rows).CopyTo(values);
        var layout = _net.Layout;
        int draws = layout.Gaussian ? rows * _k : rows;
        if (_next + draws > _noise.Length) throw new InvalidOperationException("the rollout's sampling noise is used up; call BeginRollout first");
        var noise = _noise.AsSpan(_next, draws);
        _next += draws;
        if (!layout.Gaussian)
            for (int i = 0; i < rows; i++)
                actions[i] = NativeDistribution.CategoricalSample(head.Slice(i * _k, _k), noise[i], out logProbs[i]);
        else
        {
            var logStd = theta.Slice(layout.LogStdOffset, _k);
            for (int i = 0; i < rows; i++)
                logProbs[i] = NativeDistribution.GaussianSample(head.Slice(i * _k, _k), logStd, noise.Slice(i * _k, _k), actions.Slice(i * _k, _k));
        }
    }

    /// <summary>V(s) for <paramref name="rows"/> observations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Values(ReadOnlySpan<float> observations, int rows, Span<float> values)
    {
        _net.Forward(Theta, observations, rows, weightsChanged: !_weightsSeen);
        _weightsSeen = true;
        _net.Value(rows).CopyTo(values);
    }
}
