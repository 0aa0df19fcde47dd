using PolicyGradient.Algorithms.OffPolicy;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms;

public abstract partial class OffPolicyAlgorithm<TOptions>
{
    /// <inheritdoc />
    /// <exception cref="ArgumentException">learning_starts is not below <paramref name="totalTimesteps"/>.</exception>
    public void Learn(long totalTimesteps, ITrainingCallback? callback = null)
    {
        var problems = Options.ValidateRunLength(totalTimesteps).ToList();
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems));
        callback ??= NoCallback.Instance;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long startSteps = NumTimesteps;
        callback.OnTrainingStart(this);
        while (NumTimesteps < totalTimesteps)
        {
            // SB3's collect_rollouts: train_freq vector steps or finished episodes (fewer at the run's end), then train.
            bool stopped = false;
            while (PhaseContinues() && NumTimesteps < totalTimesteps)
            {
                _phaseEpisodes += CollectStep();
                _phaseSteps++;
                if (!callback.OnStep(this)) { stopped = true; break; }
            }
            if (stopped) break;
            // SB3's gradient_steps = -1: one gradient step per transition of this phase (vector steps × env copies).
            int gradientSteps = Options.GradientSteps >= 0 ? Options.GradientSteps : _phaseSteps * Env.NumEnvs;
            _phaseSteps = 0;
            _phaseEpisodes = 0;
            bool unhealthy = false;
            if (NumTimesteps > Options.LearningStarts && Buffer.Count > 0)
                unhealthy = !Train(gradientSteps, Math.Clamp(1.0 - (double)NumTimesteps / totalTimesteps, 0.0, 1.0));
            bool due = unhealthy || NumTimesteps - _lastReport >= Options.LogInterval || NumTimesteps >= totalTimesteps;
            if (due && !Report(callback, clock.Elapsed.TotalSeconds, startSteps, totalTimesteps)) break;
        }
        callback.OnTrainingEnd(this);
    }

    /// <summary>Whether the current collection phase goes on: fewer than train_freq vector steps, or finished episodes, so far.</summary>
    bool PhaseContinues() => Options.TrainFreqUnit == TrainFrequencyUnit.Episode
        ? _phaseEpisodes < Options.TrainFreq
        : _phaseSteps < Options.TrainFreq;

    /// <summary><paramref name="gradientSteps"/> steps on sampled batches; false once a step's critic loss or mean Q is non-finite or exploded.</summary>
    bool Train(int gradientSteps, double progressRemaining)
    {
        double learningRate = Options.LearningRate.Value(progressRemaining);
        _lastLearningRate = learningRate;
        bool isTd3 = _parts.Request.Td3 is not null;
        for (int g = 0; g < gradientSteps; g++)
        {
            Buffer.Sample(_batch, Generator);
            using var scope = torch.NewDisposeScope();
            long[] shape = _parts.NoiseShape(Options.BatchSize);
            var noise = shape.Length == 0 ? torch.empty(0) : torch.randn(shape, generator: Generator);
            _lastStep = _step.Step(_batch, noise, ++_gradientSteps, learningRate);
            _metrics.Add(_lastStep, isTd3);
            if (!double.IsFinite(_lastStep.CriticLoss) || !(Math.Abs(_lastStep.MeanQ) <= MaxAbsMeanQ)) return false;
        }
        return true;
    }

    double _lastLearningRate = double.NaN;

    /// <summary>One run-layer update: means since the last report, episode statistics, the divergence check.</summary>
    bool Report(ITrainingCallback callback, double wallSeconds, long startSteps, long totalTimesteps)
    {
        NumUpdates++;
        _lastReport = NumTimesteps;
        var metrics = new UpdateMetrics { Timesteps = NumTimesteps, Updates = NumUpdates, WallSeconds = wallSeconds };
        _episodes.Report(metrics);
        _metrics.Report(metrics);
        metrics.Values["n_updates"] = _gradientSteps;
        if (double.IsFinite(_lastLearningRate)) metrics.Values["learning_rate"] = _lastLearningRate;
        if (wallSeconds > 0) metrics.Values["sps"] = (NumTimesteps - startSteps) / wallSeconds;
        // The divergence guard stops on a non-finite metric: a mean Q beyond ±1e6 at the last step is reported as ±∞ (the last value, not the interval's mean, names the step).
        if (_gradientSteps > 0 && !(Math.Abs(_lastStep.MeanQ) <= MaxAbsMeanQ))
            metrics.Values["mean_q"] = double.IsNaN(_lastStep.MeanQ) ? double.NaN : Math.Sign(_lastStep.MeanQ) * double.PositiveInfinity;
        if (_gradientSteps > 0 && !double.IsFinite(_lastStep.CriticLoss)) metrics.Values["critic_loss"] = _lastStep.CriticLoss;
        return callback.OnUpdateEnd(this, metrics);
    }

    /// <summary>One vector-env step: choose actions, step, store, count episodes; returns how many episodes ended in it.</summary>
    int CollectStep()
    {
        int n = Env.NumEnvs;
        Env.Observations.CopyTo(_observations, 0);
        if (NumTimesteps < Options.LearningStarts) RandomActions(_bufferActions);
        else _actor.Act(_observations, n, _bufferActions, deterministic: false, Generator);
        if (_box is not null) _noise.Apply(_bufferActions, Generator);
        ToEnvActions(_bufferActions, _envActions);
        Env.Step(_envActions);
        Buffer.Add(_observations, _bufferActions, Env);
        NumTimesteps += n;
        _episodes.Record(Env);
        int ended = 0;
        for (int i = 0; i < n; i++)
            if (Env.Terminated[i] || Env.Truncated[i]) { _noise.Reset(i); ended++; }
        return ended;
    }

    /// <summary>SB3's warm-up: uniform actions over the space (in the policy's [−1, 1] coordinates, or a uniform index).</summary>
    void RandomActions(float[] destination)
    {
        using var scope = torch.NewDisposeScope();
        var uniform = torch.rand([destination.Length], generator: Generator);
        ReadOnlySpan<float> u = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(uniform.bytes);
        for (int i = 0; i < destination.Length; i++)
            destination[i] = _discrete is { } d ? Math.Min((int)(u[i] * d.N), d.N - 1) : 2f * u[i] - 1f;
    }

    /// <summary>Policy actions → env actions: Box a ∈ [−1, 1] → low + (a + 1)/2·(high − low) (SB3's unscale_action); Discrete index → start + index.</summary>
    void ToEnvActions(ReadOnlySpan<float> policy, Span<float> env)
    {
        if (_discrete is { } d)
        {
            for (int i = 0; i < policy.Length; i++) env[i] = d.Start + policy[i];
            return;
        }
        var box = _box!;
        for (int i = 0; i < policy.Length; i++)
        {
            int j = i % ActionSize;
            env[i] = Math.Clamp(box.Low[j] + 0.5f * (policy[i] + 1f) * (box.High[j] - box.Low[j]), box.Low[j], box.High[j]);
        }
    }

    /// <inheritdoc />
    public float[] Predict(ReadOnlySpan<float> observation, bool deterministic = true)
    {
        if (observation.Length != ObservationSize)
            throw new ArgumentException($"the observation has {observation.Length} values, the env's observation space needs {ObservationSize}", nameof(observation));
        return Predict(observation, 1, deterministic);
    }

    /// <inheritdoc />
    public float[] Predict(ReadOnlySpan<float> observations, int batch, bool deterministic = true)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "the batch must hold at least one observation");
        if (observations.Length != (long)batch * ObservationSize)
            throw new ArgumentException($"observations has {observations.Length} values, but a batch of {batch} needs shape [{batch}, {ObservationSize}] (rows of {ObservationSize}, row-major)", nameof(observations));
        var policy = new float[batch * ActionSize];
        _actor.Act(observations, batch, policy, deterministic, PredictGenerator);
        var actions = new float[policy.Length];
        ToEnvActions(policy, actions);
        return actions;
    }
}
