using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PolicyGradient.Buffers;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// Discrete SAC's gradient step (Christodoulou 2019) as <see cref="TensorDiscreteSacStep"/> computes it, on the
/// native kernels. The sums over actions are exact, so no action is sampled and no gradient flows
/// through the critics into the actor:
/// <list type="number">
/// <item>actor on s and s' (2B rows, one half per lane); log π = log_softmax(z), π = e^{log π};</item>
/// <item>temperature: ∂/∂log α of −mean(log α·(Σ_a π log π + H̄)) = −mean(Σ_a π log π + H̄), α taken before the step;</item>
/// <item>y = r + γᵏ(1 − d)·Σ_a π(a|s')(min_i Q'_i(s', a) − α log π(a|s'));</item>
/// <item>critics: ½Σ_i mean (Q_i(s, a_taken) − y)², ∂/∂Q_i(s, a_taken) = (Q_i − y)/B;</item>
/// <item>actor: L_b = Σ_a π_a f_a with f = α log π − min_i Q_i(s, ·) (updated critics, constants), whose
/// gradient through the softmax is ∂L_b/∂z_k = π_k (f_k − L_b) (the α·Σ_a π_a ∂log π_a term vanishes: Σ_a ∂π_a = 0);</item>
/// <item>Polyak on the critic targets every target_update_interval-th step.</item>
/// </list>
/// </summary>
internal sealed class NativeDiscreteSacStep : IOffPolicyStep, IDisposable
{
    readonly OffPolicyNetworks _nets;
    readonly SacStepSettings _settings;
    readonly NativeLanes _lanes;
    readonly NativeCritics _critics;
    readonly NativeAdamLanes _adam;
    readonly NativeMlp _actor;
    readonly int _obs, _n, _batch;
    readonly float[] _actorInput, _observations, _nextObservations, _taken, _y, _logPi, _negEntropy, _dActor;
    readonly Action<int> _actorForward;

    /// <summary>A step for batches of <paramref name="batchSize"/> rows on <paramref name="threads"/> lanes.</summary>
    public NativeDiscreteSacStep(OffPolicyNetworks networks, SacStepSettings settings, int batchSize, int threads)
    {
        (_nets, _settings, _batch) = (networks, settings, batchSize);
        if (networks.LogAlpha is null && settings.FixedAlpha is null) throw new ArgumentException("SAC needs log α (learned temperature) or a fixed α");
        (_obs, _n) = (networks.ActorLayout.InputSize, networks.ActorLayout.OutputSize);
        if (networks.CriticLayouts[0].InputSize != _obs || networks.CriticLayouts[0].OutputSize != _n)
            throw new ArgumentException($"discrete SAC's critics take the {_obs} observation inputs and give {_n} Q values");
        _lanes = new NativeLanes(threads);
        _critics = new NativeCritics(networks, batchSize, _lanes);
        _adam = new NativeAdamLanes(_lanes);
        _actor = new NativeMlp(networks.ActorLayout, networks.Actor, 2 * batchSize);
        int b = batchSize;
        (_actorInput, _observations, _nextObservations) = (new float[2 * b * _obs], new float[b * _obs], new float[b * _obs]);
        (_taken, _y, _negEntropy) = (new float[b], new float[b], new float[2 * b]);
        (_logPi, _dActor) = (new float[2 * b * _n], new float[b * _n]);
        _actorForward = lane => _actor.Forward(_actorInput, lane * _batch, (lane + 1) * _batch);
    }

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <inheritdoc />
    public OffPolicyStepMetrics Step(ReplayBatch batch, Tensor noise, long gradientStep, double learningRate)
    {
        int b = batch.BatchSize;
        if (b != _batch) throw new ArgumentException($"this native discrete SAC step was built for batches of {_batch} rows, not {b}", nameof(batch));
        _actor.RefreshTransposed(); // the weights as they are now (a checkpoint load or the tensor step may have written them)
        _critics.RefreshAll();
        Floats(batch.Observations).CopyTo(_observations);
        Floats(batch.NextObservations).CopyTo(_nextObservations);
        _observations.CopyTo(_actorInput, 0);
        _nextObservations.CopyTo(_actorInput, b * _obs);
        Floats(batch.Actions).CopyTo(_taken);
        _lanes.Run(_actorForward);
        LogSoftmax(2 * b);
        var (alpha, alphaLoss) = NativeSacTemperature.Update(_nets, _settings, _negEntropy.AsSpan(0, b), learningRate);

        _critics.ForwardTarget(_nextObservations, b);
        SoftValueTarget(batch, alpha, b);
        var (sumOfMse, meanQ) = _critics.Regress(_observations, _y, b, 1f / b, _taken);
        _adam.Step(_nets.CriticOptimizer, _nets.Critic, learningRate);
        _critics.RefreshOnline();

        double actorLoss = ActorGradient(alpha, b);
        _adam.Step(_nets.ActorOptimizer, _nets.Actor, learningRate);
        if (gradientStep % _settings.TargetUpdateInterval == 0) _critics.UpdateTargets(_settings.Tau);

        double entropy = 0;
        for (int r = 0; r < b; r++) entropy -= _negEntropy[r];
        return new OffPolicyStepMetrics(0.5 * sumOfMse, actorLoss, meanQ, Entropy: entropy / b, Alpha: alpha, AlphaLoss: alphaLoss);
    }

    // log π = z − max z − log Σ e^{z − max z} per row; also Σ_a π log π per row.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void LogSoftmax(int rows)
    {
        ReadOnlySpan<float> logits = _actor.Output(rows);
        for (int r = 0; r < rows; r++)
        {
            var z = logits.Slice(r * _n, _n);
            var logPi = _logPi.AsSpan(r * _n, _n);
            float max = float.NegativeInfinity, sum = 0, negEntropy = 0;
            for (int a = 0; a < _n; a++) max = Math.Max(max, z[a]);
            for (int a = 0; a < _n; a++) sum += MathF.Exp(z[a] - max);
            float logSum = MathF.Log(sum);
            for (int a = 0; a < _n; a++)
            {
                logPi[a] = z[a] - max - logSum;
                negEntropy += MathF.Exp(logPi[a]) * logPi[a];
            }
            _negEntropy[r] = negEntropy;
        }
    }

    // y = r + γᵏ(1 − d)·Σ_a π(a|s')(min_i Q'_i(s', a) − α log π(a|s')).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void SoftValueTarget(ReplayBatch batch, float alpha, int b)
    {
        ReadOnlySpan<float> rewards = Floats(batch.Rewards), discounts = Floats(batch.Discounts), dones = Floats(batch.Dones);
        _critics.Outputs(target: true, b, out var q1, out var q2);
        for (int r = 0; r < b; r++)
        {
            float value = 0;
            for (int a = 0; a < _n; a++)
            {
                int at = r * _n + a;
                float logPi = _logPi[b * _n + at];
                value += MathF.Exp(logPi) * (Math.Min(q1[at], q2[at]) - logPi * alpha);
            }
            _y[r] = rewards[r] + discounts[r] * (1f - dones[r]) * value;
        }
    }

    // mean_b Σ_a π(α log π − min_i Q_i(s, ·)) through the updated critics; ∂/∂z_k = π_k (f_k − L_b)/B.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    double ActorGradient(float alpha, int b)
    {
        _critics.ForwardOnline(_observations, b);
        _critics.Outputs(target: false, b, out var q1, out var q2);
        double loss = 0;
        float invB = 1f / b;
        for (int r = 0; r < b; r++)
        {
            float rowLoss = 0;
            for (int a = 0; a < _n; a++)
            {
                int at = r * _n + a;
                float f = alpha * _logPi[at] - Math.Min(q1[at], q2[at]);
                _dActor[at] = f; // f for now, the gradient below
                rowLoss += MathF.Exp(_logPi[at]) * f;
            }
            for (int a = 0; a < _n; a++)
            {
                int at = r * _n + a;
                _dActor[at] = MathF.Exp(_logPi[at]) * (_dActor[at] - rowLoss) * invB;
            }
            loss += rowLoss;
        }
        _actor.Backward(_actorInput, _dActor, b, weightGradients: true, lanes: _lanes);
        return loss / b;
    }

    /// <inheritdoc />
    public void Dispose() => _lanes.Dispose();
}
