using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PolicyGradient.Buffers;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// <see cref="TensorSacStep"/>'s gradient step (Haarnoja et al. 2018, SB3 2.4's order) on the native
/// kernels, every gradient written by hand into the networks' <see cref="Optimizers.FlatParameters.Grad"/>
/// buffers and each optimizer's native Adam step:
/// <list type="number">
/// <item>actor on s and s' in one pass of 2B rows (one half per lane); ã = tanh(μ + σε) and log π;</item>
/// <item>temperature: ∂/∂log α of −mean(log α·(log π + H̄)) = −mean(log π + H̄); α taken before the step;</item>
/// <item>y = r + γᵏ(1 − d)(min_i Q'_i(s', ã') − α log π(ã'|s')) from the target twins (one per lane);</item>
/// <item>critics: ∂/∂Q_i of ½Σ_i mean (Q_i − y)² is (Q_i − y)/B, each twin's forward and backward on its lane;</item>
/// <item>actor: loss mean(α log π − min_i Q_i(s, ã)) through the UPDATED critics, which need only ∂Q/∂ã
/// (no critic weight gradients); with g = ∂L/∂ã and w = α/B per row:
/// ∂u = g(1 − a²) + w·2a(1 − a²)/(1 − a² + 10⁻⁶), ∂μ = ∂u, ∂log σ = (∂u·σε − w)·1[−20 ≤ log σ ≤ 2]
/// (log π's Gaussian term −½ε² − log σ uses ε itself, as <see cref="Objectives.SquashedGaussianSample"/>);</item>
/// <item>Polyak on the critic targets every target_update_interval-th step.</item>
/// </list>
/// One and two lanes give the same bits (<see cref="NativeLanes"/>).
/// </summary>
internal sealed class NativeSacStep : IOffPolicyStep, IDisposable
{
    const float JacobianEpsilon = 1e-6f;
    static readonly float HalfLogTwoPi = (float)(0.5 * Math.Log(2 * Math.PI));

    readonly OffPolicyNetworks _nets;
    readonly SacStepSettings _settings;
    readonly NativeLanes _lanes;
    readonly NativeCritics _critics;
    readonly NativeAdamLanes _adam;
    readonly NativeMlp _actor;
    readonly int _obs, _act, _batch;
    readonly float[] _actorInput, _criticInput, _nextInput, _piInput, _y, _logPi, _action, _sigma, _eps, _dActor;
    readonly float[][] _coefficients;
    readonly float[] _zeros;
    readonly Action<int> _actorForward;

    /// <summary>A step for batches of <paramref name="batchSize"/> rows on <paramref name="threads"/> lanes.</summary>
    public NativeSacStep(OffPolicyNetworks networks, SacStepSettings settings, int batchSize, int threads)
    {
        (_nets, _settings, _batch) = (networks, settings, batchSize);
        if (networks.LogAlpha is null && settings.FixedAlpha is null) throw new ArgumentException("SAC needs log α (learned temperature) or a fixed α");
        _act = networks.ActorLayout.OutputSize / 2;
        _obs = networks.ActorLayout.InputSize;
        if (networks.CriticLayouts[0].InputSize != _obs + _act || networks.CriticLayouts[0].OutputSize != 1)
            throw new ArgumentException($"SAC's critics take (obs ‖ act) = {_obs + _act} inputs and give one Q value");
        _lanes = new NativeLanes(threads);
        _critics = new NativeCritics(networks, batchSize, _lanes);
        _adam = new NativeAdamLanes(_lanes);
        _actor = new NativeMlp(networks.ActorLayout, networks.Actor, 2 * batchSize);
        int b = batchSize, sa = _obs + _act;
        (_actorInput, _criticInput, _nextInput, _piInput) = (new float[2 * b * _obs], new float[b * sa], new float[b * sa], new float[b * sa]);
        (_y, _logPi) = (new float[b], new float[2 * b]);
        (_action, _sigma, _eps, _dActor) = (new float[2 * b * _act], new float[2 * b * _act], new float[2 * b * _act], new float[b * 2 * _act]);
        _coefficients = [new float[b], new float[b]];
        _zeros = new float[b * _act];
        _actorForward = lane => _actor.Forward(_actorInput, lane * _batch, (lane + 1) * _batch);
    }

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <summary>When set, each step adds its phases' times here (the benchmark's breakdown).</summary>
    public NativeStepProfile? Profile { get; set; }

    long Mark(int phase, long since) => Profile?.Add(phase, since) ?? since;

    /// <inheritdoc />
    public OffPolicyStepMetrics Step(ReplayBatch batch, Tensor noise, long gradientStep, double learningRate)
    {
        int b = batch.BatchSize;
        if (b != _batch) throw new ArgumentException($"this native SAC step was built for batches of {_batch} rows, not {b}", nameof(batch));
        if (noise.dtype != ScalarType.Float32 || noise.numel() != 2L * b * _act || !noise.is_contiguous())
            throw new ArgumentException($"SAC's noise must be float32 [2, {b}, {_act}], not {noise.dtype} [{string.Join(", ", noise.shape)}]", nameof(noise));
        long t = System.Diagnostics.Stopwatch.GetTimestamp();
        _actor.RefreshTransposed(); // the weights as they are now (a checkpoint load or the tensor step may have written them)
        _critics.RefreshAll();
        var obs = Floats(batch.Observations);
        obs.CopyTo(_actorInput);
        Floats(batch.NextObservations).CopyTo(_actorInput.AsSpan(b * _obs));
        Floats(noise).CopyTo(_eps);
        _lanes.Run(_actorForward);
        SampleActions(2 * b);
        t = Mark(0, t);
        var (alpha, alphaLoss) = NativeSacTemperature.Update(_nets, _settings, _logPi.AsSpan(0, b), learningRate);
        t = Mark(1, t);

        StateAction(Floats(batch.NextObservations), _action.AsSpan(b * _act), _nextInput, b, _obs, _act);
        _critics.ForwardTarget(_nextInput, b);
        SoftTarget(batch, alpha, b);
        t = Mark(2, t);
        StateAction(obs, Floats(batch.Actions), _criticInput, b, _obs, _act);
        var (sumOfMse, meanQ) = _critics.Regress(_criticInput, _y, b, 1f / b);
        _adam.Step(_nets.CriticOptimizer, _nets.Critic, learningRate);
        _critics.RefreshOnline();
        t = Mark(3, t);

        double actorLoss = ActorGradient(obs, alpha, b);
        _adam.Step(_nets.ActorOptimizer, _nets.Actor, learningRate);
        t = Mark(4, t);
        if (gradientStep % _settings.TargetUpdateInterval == 0) _critics.UpdateTargets(_settings.Tau);
        Mark(5, t);
        Profile?.EndStep();

        double entropy = 0;
        for (int r = 0; r < b; r++) entropy -= _logPi[r];
        return new OffPolicyStepMetrics(0.5 * sumOfMse, actorLoss, meanQ, Entropy: entropy / b, Alpha: alpha, AlphaLoss: alphaLoss);
    }

    // ã = tanh(μ + σε), log π = Σ_j [−½ε² − log σ − ½ log 2π − log(1 − ã² + 10⁻⁶)] for rows [0, rows).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void SampleActions(int rows)
    {
        ReadOnlySpan<float> output = _actor.Output(rows);
        for (int r = 0; r < rows; r++)
        {
            float logPi = 0;
            for (int j = 0; j < _act; j++)
            {
                int at = r * _act + j;
                float mean = output[r * 2 * _act + j], logStd = Math.Clamp(output[r * 2 * _act + _act + j], -20f, 2f);
                float sigma = MathF.Exp(logStd), eps = _eps[at];
                float a = MathF.Tanh(mean + sigma * eps);
                (_action[at], _sigma[at]) = (a, sigma);
                logPi += -0.5f * eps * eps - logStd - HalfLogTwoPi - MathF.Log(1f - a * a + JacobianEpsilon);
            }
            _logPi[r] = logPi;
        }
    }

    // y = r + γᵏ(1 − d)(min(Q'₁, Q'₂) − α log π(ã'|s')).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void SoftTarget(ReplayBatch batch, float alpha, int b)
    {
        ReadOnlySpan<float> rewards = Floats(batch.Rewards), discounts = Floats(batch.Discounts), dones = Floats(batch.Dones);
        _critics.Outputs(target: true, b, out var q1, out var q2);
        for (int r = 0; r < b; r++)
            _y[r] = rewards[r] + discounts[r] * (1f - dones[r]) * (Math.Min(q1[r], q2[r]) - _logPi[b + r] * alpha);
    }

    /// <summary>Writes rows (s_b ‖ a_b) into <paramref name="input"/>.</summary>
    internal static void StateAction(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, float[] input, int rows, int obs, int act)
    {
        for (int r = 0; r < rows; r++)
        {
            observations.Slice(r * obs, obs).CopyTo(input.AsSpan(r * (obs + act), obs));
            actions.Slice(r * act, act).CopyTo(input.AsSpan(r * (obs + act) + obs, act));
        }
    }

    // Actor loss mean(α log π − min_i Q_i(s, ã)) through the updated critics; its gradient into the actor's buffer.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    double ActorGradient(ReadOnlySpan<float> obs, float alpha, int b)
    {
        StateAction(obs, _action.AsSpan(0, b * _act), _piInput, b, _obs, _act);
        _critics.ForwardOnline(_piInput, b);
        bool twin = _critics.Online.Length == 2;
        _critics.Outputs(target: false, b, out var q1, out var q2);
        float share = -1f / b;
        double loss = 0;
        for (int r = 0; r < b; r++)
        {
            bool first = q1[r] <= q2[r]; // the gradient of a tie goes to the first critic
            (_coefficients[0][r], _coefficients[1][r]) = first ? (share, 0f) : (0f, share);
            loss += alpha * _logPi[r] - (first ? q1[r] : q2[r]);
        }
        _critics.BackwardToActions(_piInput, _coefficients, b, _obs, _act);
        float w = alpha / b;
        ReadOnlySpan<float> output = _actor.Output(b);
        float[] g1 = _critics.ActionGradients[0], g2 = twin ? _critics.ActionGradients[1] : _zeros;
        for (int r = 0; r < b; r++)
            for (int j = 0; j < _act; j++)
            {
                int at = r * _act + j, o = r * 2 * _act + j;
                float a = _action[at], oneMinus = 1f - a * a, g = g1[at] + g2[at];
                float du = g * oneMinus + w * 2f * a * oneMinus / (oneMinus + JacobianEpsilon);
                float logStd = output[o + _act];
                _dActor[o] = du;
                _dActor[o + _act] = logStd >= -20f && logStd <= 2f ? du * _sigma[at] * _eps[at] - w : 0f;
            }
        _actor.Backward(_actorInput, _dActor, b, weightGradients: true, lanes: _lanes);
        return loss / b;
    }

    /// <inheritdoc />
    public void Dispose() => _lanes.Dispose();
}
