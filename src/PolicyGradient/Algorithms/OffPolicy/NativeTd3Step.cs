using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PolicyGradient.Buffers;
using PolicyGradient.Optimizers;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// TD3's gradient step (Fujimoto et al. 2018; DDPG with one critic, delay 1, no smoothing) as
/// <see cref="TensorTd3Step"/> computes it, on the native kernels:
/// <list type="number">
/// <item>ã' = clamp(tanh(μ'(s')) + clamp(σ·ε, −c, c), −1, 1) from the actor target (rows split over the lanes);</item>
/// <item>y = r + γᵏ(1 − d)·min_i Q'_i(s', ã') from the target critics (one twin per lane);</item>
/// <item>critics: ∂/∂Q_i of Σ_i mean (Q_i − y)² is 2(Q_i − y)/B;</item>
/// <item>every policy_delay-th step: actor loss −mean Q₁(s, tanh(μ(s))) through the updated first critic,
/// which needs only ∂Q₁/∂a: ∂(output) = −(1/B)·∂Q₁/∂a·(1 − a²); then Polyak on both targets.</item>
/// </list>
/// One and two lanes give the same bits (<see cref="NativeLanes"/>).
/// </summary>
internal sealed class NativeTd3Step : IOffPolicyStep, IDisposable
{
    readonly OffPolicyNetworks _nets;
    readonly Td3StepSettings _settings;
    readonly NativeLanes _lanes;
    readonly NativeCritics _critics;
    readonly NativeAdamLanes _adam;
    readonly NativeMlp _actor, _actorTarget;
    readonly int _obs, _act, _batch;
    readonly float[] _observations, _nextObservations, _criticInput, _nextInput, _piInput, _y, _action, _dActor;
    readonly float[][] _coefficients;
    readonly Action<int> _actorForward, _targetForward, _polyakActor;

    /// <summary>A step for batches of <paramref name="batchSize"/> rows on <paramref name="threads"/> lanes.</summary>
    public NativeTd3Step(OffPolicyNetworks networks, Td3StepSettings settings, int batchSize, int threads)
    {
        (_nets, _settings, _batch) = (networks, settings, batchSize);
        if (networks.ActorTarget is null) throw new ArgumentException("TD3 and DDPG need an actor target network", nameof(networks));
        (_obs, _act) = (networks.ActorLayout.InputSize, networks.ActorLayout.OutputSize);
        if (networks.CriticLayouts[0].InputSize != _obs + _act || networks.CriticLayouts[0].OutputSize != 1)
            throw new ArgumentException($"TD3's critics take (obs ‖ act) = {_obs + _act} inputs and give one Q value");
        _lanes = new NativeLanes(threads);
        _critics = new NativeCritics(networks, batchSize, _lanes);
        _adam = new NativeAdamLanes(_lanes);
        _actor = new NativeMlp(networks.ActorLayout, networks.Actor, batchSize);
        _actorTarget = new NativeMlp(networks.ActorLayout, networks.ActorTarget, batchSize);
        int b = batchSize, sa = _obs + _act;
        (_observations, _nextObservations) = (new float[b * _obs], new float[b * _obs]);
        (_criticInput, _nextInput, _piInput) = (new float[b * sa], new float[b * sa], new float[b * sa]);
        (_y, _action, _dActor) = (new float[b], new float[b * _act], new float[b * _act]);
        _coefficients = [new float[b], new float[b]];
        _actorForward = lane => SplitRows(_actor, _observations, lane);
        _targetForward = lane => SplitRows(_actorTarget, _nextObservations, lane);
        _polyakActor = PolyakActorLane;
    }

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    void SplitRows(NativeMlp net, float[] input, int lane)
    {
        int half = Math.Min((_batch / 2 + 3) & ~3, _batch); // on a multiple of 4: the GEMM's row blocks stay the same
        if (lane == 0) net.Forward(input, 0, half);
        else if (half < _batch) net.Forward(input, half, _batch);
    }

    /// <inheritdoc />
    public OffPolicyStepMetrics Step(ReplayBatch batch, Tensor noise, long gradientStep, double learningRate)
    {
        int b = batch.BatchSize;
        if (b != _batch) throw new ArgumentException($"this native TD3 step was built for batches of {_batch} rows, not {b}", nameof(batch));
        _actor.RefreshTransposed(); // the weights as they are now (a checkpoint load or the tensor step may have written them)
        _actorTarget.RefreshTransposed();
        _critics.RefreshAll();
        var obs = Floats(batch.Observations);
        obs.CopyTo(_observations);
        Floats(batch.NextObservations).CopyTo(_nextObservations);
        _lanes.Run(_targetForward);
        TargetActions(noise, b);
        NativeSacStep.StateAction(_nextObservations, _action, _nextInput, b, _obs, _act);
        _critics.ForwardTarget(_nextInput, b);
        ClippedDoubleQ(batch, b);
        NativeSacStep.StateAction(obs, Floats(batch.Actions), _criticInput, b, _obs, _act);
        var (sumOfMse, meanQ) = _critics.Regress(_criticInput, _y, b, 2f / b);
        _adam.Step(_nets.CriticOptimizer, _nets.Critic, learningRate);
        _critics.RefreshOnline();

        double actorLoss = double.NaN;
        if (gradientStep % _settings.PolicyDelay == 0)
        {
            actorLoss = ActorGradient(b);
            _adam.Step(_nets.ActorOptimizer, _nets.Actor, learningRate);
            _critics.UpdateTargets(_settings.Tau);
            _lanes.Run(_polyakActor);
        }
        return new OffPolicyStepMetrics(sumOfMse, actorLoss, meanQ);
    }

    // ã' = clamp(tanh(μ'(s')) + clamp(σ·ε, −c, c), −1, 1); without smoothing noise (DDPG) ã' = tanh(μ'(s')).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void TargetActions(Tensor noise, int b)
    {
        ReadOnlySpan<float> output = _actorTarget.Output(b);
        bool smooth = _settings.TargetPolicyNoise > 0;
        if (smooth && (noise.dtype != ScalarType.Float32 || noise.numel() != (long)b * _act || !noise.is_contiguous()))
            throw new ArgumentException($"TD3's noise must be float32 [{b}, {_act}], not {noise.dtype} [{string.Join(", ", noise.shape)}]", nameof(noise));
        ReadOnlySpan<float> eps = smooth ? Floats(noise) : default;
        float sigma = (float)_settings.TargetPolicyNoise, clip = (float)_settings.TargetNoiseClip;
        for (int i = 0; i < b * _act; i++)
        {
            float a = MathF.Tanh(output[i]);
            if (smooth) a = Math.Clamp(a + Math.Clamp(eps[i] * sigma, -clip, clip), -1f, 1f);
            _action[i] = a;
        }
    }

    // y = r + γᵏ(1 − d)·min_i Q'_i(s', ã').
    void ClippedDoubleQ(ReplayBatch batch, int b)
    {
        ReadOnlySpan<float> rewards = Floats(batch.Rewards), discounts = Floats(batch.Discounts), dones = Floats(batch.Dones);
        _critics.Outputs(target: true, b, out var q1, out var q2);
        for (int r = 0; r < b; r++) _y[r] = rewards[r] + discounts[r] * (1f - dones[r]) * Math.Min(q1[r], q2[r]);
    }

    // −mean Q₁(s, tanh(μ(s))) and its gradient into the actor's buffer (the critic's weight gradients are not needed).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    double ActorGradient(int b)
    {
        _lanes.Run(_actorForward);
        ReadOnlySpan<float> output = _actor.Output(b);
        for (int i = 0; i < b * _act; i++) _action[i] = MathF.Tanh(output[i]);
        NativeSacStep.StateAction(_observations, _action, _piInput, b, _obs, _act);
        _critics.ForwardFirst(_piInput, b);
        ReadOnlySpan<float> q1 = _critics.Online[0].Output(b);
        double sum = 0;
        for (int r = 0; r < b; r++) { sum += q1[r]; _coefficients[0][r] = -1f / b; }
        _critics.BackwardToActions(_piInput, _coefficients, b, _obs, _act, firstOnly: true);
        float[] g = _critics.ActionGradients[0];
        for (int i = 0; i < b * _act; i++) _dActor[i] = g[i] * (1f - _action[i] * _action[i]);
        _actor.Backward(_observations, _dActor, b, weightGradients: true, lanes: _lanes);
        return -sum / b;
    }

    // The two lanes average disjoint halves of the actor target (elementwise: the same bits as one pass).
    void PolyakActorLane(int lane)
    {
        Span<float> target = Floats(_nets.ActorTarget!.Data);
        ReadOnlySpan<float> online = Floats(_nets.Actor.Data);
        int half = target.Length / 2 & ~15, from = lane == 0 ? 0 : half, to = lane == 0 ? half : target.Length;
        PolyakUpdate.Apply(target[from..to], online[from..to], (float)_settings.Tau);
    }

    /// <inheritdoc />
    public void Dispose() => _lanes.Dispose();
}
