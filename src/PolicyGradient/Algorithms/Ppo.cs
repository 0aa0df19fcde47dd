using System.Globalization;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Environments.Vector;
using PolicyGradient.Estimators;
using PolicyGradient.Objectives;
using PolicyGradient.Policies;
using PolicyGradient.Optimizers;
using PolicyGradient.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Proximal Policy Optimization with the clipped surrogate (Schulman et al. 2017, arXiv:1707.06347),
/// with the core implementation details of Huang et al. 2022, "The 37 Implementation Details of
/// Proximal Policy Optimization" (ICLR blog track), each named where it acts below. Defaults follow
/// Stable-Baselines3. Usage: <c>using var ppo = new Ppo("CartPole-v1"); ppo.Learn(100_000); ppo.Predict(obs);</c>
/// </summary>
public sealed class Ppo : OnPolicyAlgorithm<PpoOptions>
{
    IPpoMinibatchStep _step = null!;
    long[] _permutation = [];

    /// <summary>PPO on <paramref name="options"/>.NEnvs copies of a registered environment.</summary>
    public Ppo(string envId, PpoOptions? options = null, long seed = 0, Device? device = null) : base(envId, options, seed, device) => Build();

    /// <summary>PPO as the run layer builds it (registry entry "ppo").</summary>
    public Ppo(PpoOptions options, AlgorithmContext context) : base(options, context) => Build();

    /// <summary>PPO on a vector env you built (its NumEnvs overrides <c>n_envs</c>); wrap copies in RecordEpisodeStatistics for episode metrics.</summary>
    public Ppo(IVectorEnv env, PpoOptions? options = null, long seed = 0, Device? device = null) : base(env, options, seed, device) => Build();

    // Detail 3: Adam with ε = 1e-5 (not PyTorch's 1e-8), on one flat parameter buffer. The native C#
    // SIMD step (OnPolicy/NativePpoStep.cs) where it applies, else the tensor step (OnPolicy/TensorPpoStep.cs).
    void Build()
    {
        var adam = new FlatAdam(Core.Net.Parameters, epsilon: 1e-5);
        Initialize(adam, layout => _step = layout is not null
            ? new NativePpoStep(Core, adam, Options, layout)
            : new TensorPpoStep(Core, adam, Options));
    }

    /// <inheritdoc />
    public override string Name => "ppo";

    /// <inheritdoc />
    public override void Learn(long totalTimesteps, ITrainingCallback? callback = null) =>
        // Detail 1: each update follows a fixed-length rollout of n_steps from each of the n_envs
        // vectorised copies (OnPolicyCore.Learn collects it and reports the metrics).
        // sampling: props samples the rollout from an adapted behaviour policy (VarianceReduction/PropsSampling.cs).
        Core.Learn(this, totalTimesteps, Options.Sampling == VarianceReduction.RolloutSampling.Props ? new VarianceReduction.PropsSampling(Core, Options.Props).Around(callback) : callback, progressRemaining =>
        {
            // Detail 4: learning-rate and clip-range annealing, on the fraction of training left (SB3).
            double learningRate = Options.LearningRate.Value(progressRemaining);
            double clipRange = Options.ClipRange.Value(progressRemaining);
            // Detail 5: GAE, bootstrapping from V(final observation) on truncation, 0 on termination.
            // An async cluster batch (stale: acted by older weights) gets decoupled clipping instead (Hilton et al. 2021).
            if (Core.CorrectsStaleness) Core.ComputeDecoupledPpoAdvantages(Options.Gamma, Options.GaeLambda);
            else Core.Buffer.ComputeAdvantages(Options.Gamma, Options.GaeLambda);
            return Update(learningRate, clipRange);
        });

    Dictionary<string, double> Update(double learningRate, double clipRange)
    {
        var stats = RunEpochs(learningRate, clipRange);
        var metrics = new Dictionary<string, double>();
        var s = stats.Sums;
        double d = Math.Max(stats.Minibatches, 1);
        metrics["policy_loss"] = s[0] / d;
        metrics["value_loss"] = s[1] / d;
        metrics["entropy"] = s[2] / d;
        metrics["approx_kl"] = s[3] / d;
        metrics["clip_fraction"] = s[4] / d;
        metrics["grad_norm"] = s[5] / d;
        if (stats.EarlyStopEpoch is int stop) metrics["early_stop_epoch"] = stop;
        metrics["explained_variance"] = ExplainedVariance.Compute(Core.Buffer.Values, Core.Buffer.Returns);
        metrics["learning_rate"] = learningRate;
        metrics["clip_range"] = clipRange;
        metrics["n_epochs_done"] = stats.Epochs;
        return metrics;
    }

    // K epochs of shuffled minibatch steps over the rollout, the same loop on either backend.
    PpoUpdateStatistics RunEpochs(double learningRate, double clipRange)
    {
        int total = Core.Buffer.NumSteps * Core.Buffer.NumEnvs;
        int minibatches = 0, epochs = 0;
        int? earlyStop = null;
        _step.BeginUpdate();
        for (int epoch = 0; epoch < Options.NEpochs && earlyStop is null; epoch++, epochs++)
        {
            // Detail 6: shuffled minibatches — a fresh permutation of the rollout each epoch, drawn
            // from the run's torch generator (reproducible, checkpointed).
            if (_permutation.Length != total) _permutation = new long[total];
            Core.DrawPermutation(_permutation);
            for (int start = 0; start < total; start += Options.BatchSize)
            {
                var minibatch = _permutation.AsSpan(start, Math.Min(Options.BatchSize, total - start));
                // Details 7–11 in the step; detail 12: it declines (early stop) once approx-KL > 1.5 × target_kl.
                if (!_step.Step(minibatch, learningRate, clipRange)) { earlyStop = epoch; break; }
                minibatches++;
            }
        }
        return new PpoUpdateStatistics(_step.EndUpdate(), minibatches, epochs, earlyStop);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) (_step as IDisposable)?.Dispose();
        base.Dispose(disposing);
    }
}
