using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Core;
using PolicyGradient.Optimizers;
using PolicyGradient.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.VarianceReduction;

/// <summary>
/// PROPS, Proximal Robust On-Policy Sampling (Corrado and Hanna 2024), for an on-policy run whose data buffer is its
/// current rollout (the paper's b = 1): every m steps of a rollout the behaviour policy π_φ is reset to the target
/// π_θ and moved by <see cref="PropsObjective"/> on the rollout's pairs so far, making their actions less likely, and
/// the rest of the rollout is sampled from π_φ. At the rollout's end θ is back in the flat buffer and the stored
/// log-probabilities are recomputed under π_θ, so the update treats the data as π_θ's (PPO's ratio π_new/π_θ is the
/// importance weight, as in the authors' code). The critic is untouched by the behaviour update (its loss does not
/// involve V), so the stored values are π_θ's critic's. Wraps the run's callback: the hook is the rollout's
/// per-step callback. Each behaviour update starts a fresh Adam (the authors' code keeps one across updates) so
/// nothing but θ needs checkpointing: a resumed run continues bit for bit.
/// </summary>
internal sealed class PropsSampling(OnPolicyCore core, PropsOptions options) : ITrainingCallback
{
    readonly int _every = options.UpdateEvery > 0 ? options.UpdateEvery : Math.Max(1, core.Buffer.NumSteps / 2);
    ITrainingCallback _inner = NoCallback.Instance;
    float[]? _target;   // θ while the flat buffer holds φ, else null
    Tensor? _trainable; // props.freeze_features: 1 on the action head's and log σ's entries of the flat buffer, 0 elsewhere
    int _updates, _epochs, _minibatches;
    double _approxKl, _clipped;

    /// <summary>This callback around <paramref name="inner"/>.</summary>
    public ITrainingCallback Around(ITrainingCallback? inner)
    {
        _inner = inner ?? NoCallback.Instance;
        return this;
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">The rollouts are collected elsewhere (cluster partitions), where the behaviour policy cannot act.</exception>
    public void OnTrainingStart(IAlgorithm algorithm)
    {
        if (core.Partitions is not null)
            throw new NotSupportedException("sampling: props adapts the behaviour policy inside this process's rollout and does not work with cluster rollouts; set sampling=on_policy");
        _inner.OnTrainingStart(algorithm);
    }

    /// <inheritdoc />
    public bool OnStep(IAlgorithm algorithm)
    {
        if (!_inner.OnStep(algorithm)) return false;
        int position = core.Buffer.Position;
        if (!core.Buffer.Full && position % _every == 0) UpdateBehaviour(position * core.Buffer.NumEnvs);
        return true;
    }

    /// <inheritdoc />
    public void OnRolloutEnd(IAlgorithm algorithm)
    {
        if (_target is not null)
        {
            SetParameters(_target);
            _target = null;
            RecomputeTargetLogProbs();
        }
        _inner.OnRolloutEnd(algorithm);
    }

    /// <inheritdoc />
    public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics)
    {
        metrics.Values["props_updates"] = _updates;
        if (_minibatches > 0)
        {
            metrics.Values["props_epochs"] = (double)_epochs / Math.Max(_updates, 1);
            metrics.Values["props_approx_kl"] = _approxKl / _minibatches;
            metrics.Values["props_clip_fraction"] = _clipped / _minibatches;
        }
        (_updates, _epochs, _minibatches, _approxKl, _clipped) = (0, 0, 0, 0, 0);
        return _inner.OnUpdateEnd(algorithm, metrics);
    }

    /// <inheritdoc />
    public void OnTrainingEnd(IAlgorithm algorithm)
    {
        _trainable?.Dispose();
        _trainable = null;
        _inner.OnTrainingEnd(algorithm);
    }

    void SetParameters(float[] values)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        core.Net.Parameters.Data.copy_(torch.tensor(values, device: core.Device));
        core.NativeRollout?.WeightsChanged();
    }

    float[] Parameters()
    {
        using var scope = torch.NewDisposeScope();
        return core.Net.Parameters.Data.cpu().data<float>().ToArray();
    }

    // φ ← θ, then PropsObjective's epochs on the rollout's first `rows` pairs; φ stays in the flat buffer for sampling.
    void UpdateBehaviour(int rows)
    {
        if (_target is null) _target = Parameters();
        else SetParameters(_target);
        using var scope = torch.NewDisposeScope();
        using var grad = torch.enable_grad();
        var data = BehaviourData.Read(core, rows);
        using var adam = new FlatAdam(core.Net.Parameters, epsilon: 1e-5);
        var permutation = new long[rows];
        int size = Math.Max(1, rows / options.Minibatches);
        _updates++;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            _epochs++;
            core.DrawPermutation(permutation);
            for (int start = 0; start < rows; start += size)
            {
                using var step = torch.NewDisposeScope();
                var index = torch.tensor(permutation.AsSpan(start, Math.Min(size, rows - start)).ToArray(), device: core.Device);
                if (!Step(data, index, adam)) { core.NativeRollout?.WeightsChanged(); return; }
            }
        }
        core.NativeRollout?.WeightsChanged();
    }

    // One minibatch step; false (no step taken) once the approximate KL of π_φ from π_θ exceeds the target.
    bool Step(BehaviourData data, Tensor index, FlatAdam adam)
    {
        core.Net.Parameters.ZeroGrad();
        var weights = core.Net.Weights();
        var (head, _) = core.Net.Forward(data.Observations.index_select(0, index), weights);
        var behaviour = core.Net.Distribution(head, weights, data.Masks?.index_select(0, index));
        var logProbs = behaviour.LogProb(data.Actions.index_select(0, index));
        var targetLogProbs = data.TargetLogProbs.index_select(0, index);
        using (torch.no_grad())
        {
            var logRatio = logProbs - targetLogProbs;
            double approxKl = (logRatio.exp() - logRatio).mean().item<float>() - 1;   // E[(ρ − 1) − log ρ]
            if (approxKl > options.TargetKl) return false;
            _approxKl += approxKl;
            _clipped += PropsObjective.ClippedFraction(logProbs, targetLogProbs, options.ClipRange).item<float>();
            _minibatches++;
        }
        var kl = DistributionKl.Compute(data.Target(index), behaviour);
        PropsObjective.BehaviourLoss(logProbs, targetLogProbs, kl, options.ClipRange, options.KlWeight).backward();
        if (options.FreezeFeatures)
            using (torch.no_grad()) core.Net.Parameters.Grad.mul_(Trainable());   // a zero gradient leaves Adam's step 0 there
        core.Net.Parameters.ClipGradNorm(options.MaxGradNorm);
        adam.Step(options.LearningRate);
        return true;
    }

    // The mask of props.freeze_features over the flat buffer: the head's weights and biases and log σ (ActorCriticLayout offsets).
    Tensor Trainable()
    {
        if (_trainable is not null) return _trainable;
        var layout = core.Net.Layout;
        var mask = new float[layout.ParameterCount];
        var head = layout.Head;
        Array.Fill(mask, 1f, head.WeightOffset, head.Inputs * head.Outputs);
        Array.Fill(mask, 1f, head.BiasOffset, head.Outputs);
        if (layout.LogStdOffset >= 0) Array.Fill(mask, 1f, layout.LogStdOffset, head.Outputs);
        _trainable = torch.tensor(mask, device: core.Device);
        _trainable.DetachFromDisposeScope();
        return _trainable;
    }

    // The buffer's log π(a|s) for every row, under θ (the update's "old" policy).
    void RecomputeTargetLogProbs()
    {
        var buffer = core.Buffer;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var data = BehaviourData.Read(core, buffer.NumSteps * buffer.NumEnvs);
        buffer.LogProbs.copy_(data.TargetLogProbs.reshape(buffer.NumSteps, buffer.NumEnvs).cpu());
    }
}
