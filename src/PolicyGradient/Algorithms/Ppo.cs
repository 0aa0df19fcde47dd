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
public sealed class Ppo : IAlgorithm, ISavableAlgorithm
{
    readonly OnPolicyCore _core;
    readonly FlatAdam _optimizer;
    readonly NativePpoUpdate? _native;

    /// <summary>PPO on <paramref name="options"/>.NEnvs copies of a registered environment.</summary>
    public Ppo(string envId, PpoOptions? options = null, long seed = 0, Device? device = null)
        : this(OnPolicyCore.MakeVectorEnv(envId, Checked(options).NEnvs, null), options, seed, device) =>
        _core.Source = new AlgorithmContext(envId, seed, _core.Device);

    /// <summary>PPO as the run layer builds it (registry entry "ppo").</summary>
    public Ppo(PpoOptions options, AlgorithmContext context)
        : this(OnPolicyCore.MakeVectorEnv(context.EnvId, Checked(options).NEnvs, context.EnvKwargs), options, context.Seed, context.Device)
    {
        _core.Source = context;
        if (context.Deterministic) torch.set_num_threads(1);
    }

    /// <summary>PPO on a vector env you built (its NumEnvs overrides <c>n_envs</c>); wrap copies in RecordEpisodeStatistics for episode metrics.</summary>
    public Ppo(IVectorEnv env, PpoOptions? options = null, long seed = 0, Device? device = null)
    {
        Options = Checked(options) with { NEnvs = env.NumEnvs };
        _core = new OnPolicyCore(env, Options.Policy, Options.NSteps, Options.Gamma,
            Options.NormalizeObservations, Options.NormalizeRewards, seed, device);
        // Detail 3: Adam with ε = 1e-5 (not PyTorch's 1e-8), on one flat parameter buffer.
        _optimizer = new FlatAdam(_core.Net.Parameters, epsilon: 1e-5);
        try { _native = NativeBackend(Options.Backend); }
        catch { _optimizer.Dispose(); _core.Dispose(); throw; } // backend=native on an unsupported setup
    }

    // The native C# SIMD update (OnPolicy/NativePpoUpdate.cs) where it applies; null selects libtorch.
    NativePpoUpdate? NativeBackend(ComputeBackend backend) =>
        _core.UseBackend(backend) is { } layout ? new NativePpoUpdate(_core, _optimizer, Options, layout) : null;

    /// <inheritdoc />
    public string Backend => _core.Backend;

    static PpoOptions Checked(PpoOptions? options) => OptionsValidation.Checked(options);

    /// <summary>The options in use.</summary>
    public PpoOptions Options { get; }

    /// <inheritdoc />
    public string Name => "ppo";

    /// <inheritdoc />
    public long NumTimesteps => _core.NumTimesteps;

    /// <inheritdoc />
    public int NumUpdates => _core.NumUpdates;

    /// <summary>The actor-critic module, with the trained weights copied in.</summary>
    public ActorCriticPolicy Policy { get { _core.Net.SyncToPolicy(); return _core.Net.Policy; } }

    /// <inheritdoc />
    public void Learn(long totalTimesteps, ITrainingCallback? callback = null) =>
        // Detail 1: each update follows a fixed-length rollout of n_steps from each of the n_envs
        // vectorised copies (OnPolicyCore.Learn collects it and reports the metrics).
        _core.Learn(this, totalTimesteps, callback, progressRemaining =>
        {
            // Detail 4: learning-rate and clip-range annealing, on the fraction of training left (SB3).
            double learningRate = Options.LearningRate.Value(progressRemaining);
            double clipRange = Options.ClipRange.Value(progressRemaining);
            // Detail 5: GAE, bootstrapping from V(final observation) on truncation, 0 on termination.
            _core.Buffer.ComputeAdvantages(Options.Gamma, Options.GaeLambda);
            return Update(learningRate, clipRange);
        });

    Dictionary<string, double> Update(double learningRate, double clipRange)
    {
        // The same update on either backend; the tensor composition below is the definition.
        var stats = _native?.Run(learningRate, clipRange) ?? UpdateLibTorch(learningRate, clipRange);
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
        metrics["explained_variance"] = ExplainedVariance.Compute(_core.Buffer.Values, _core.Buffer.Returns);
        metrics["learning_rate"] = learningRate;
        metrics["clip_range"] = clipRange;
        metrics["n_epochs_done"] = stats.Epochs;
        return metrics;
    }

    PpoUpdateStatistics UpdateLibTorch(double learningRate, double clipRange)
    {
        using var scope = torch.NewDisposeScope();
        var buffer = _core.Buffer;
        int total = buffer.NumSteps * buffer.NumEnvs, obsSize = buffer.ObservationSize, actSize = buffer.ActionSize;
        // Flatten [T, N, …] to [T·N, …] and pack every per-sample column side by side, so one
        // index_select gathers a whole minibatch.
        var packed = torch.cat([
            buffer.Observations.view(total, obsSize), buffer.Actions.view(total, actSize),
            buffer.LogProbs.view(total, 1), buffer.Advantages.view(total, 1),
            buffer.Returns.view(total, 1), buffer.Values.view(total, 1)], 1).to(_core.Device);
        long[] columns = [obsSize, actSize, 1, 1, 1, 1];
        // Sums over minibatches of: policy loss, value loss, entropy, approx KL, clip fraction, grad norm.
        var sums = torch.zeros(6, device: _core.Device);
        int minibatches = 0, epochs = 0;
        int? earlyStop = null;
        bool continueTraining = true;
        for (int epoch = 0; epoch < Options.NEpochs && continueTraining; epoch++, epochs++)
        {
            // Detail 6: shuffled minibatches — a fresh permutation of the rollout each epoch, drawn
            // from the run's torch generator (reproducible, checkpointed).
            var permutation = torch.randperm(total, generator: _core.Generator).to(_core.Device);
            for (int start = 0; start < total; start += Options.BatchSize)
            {
                using var minibatchScope = torch.NewDisposeScope();
                int size = Math.Min(Options.BatchSize, total - start);
                var cols = packed.index_select(0, permutation.narrow(0, start, size)).split(columns, 1);
                Tensor observations = cols[0], actions = cols[1], oldLogProbs = cols[2].view(-1),
                    advantages = cols[3].view(-1), returns = cols[4].view(-1), oldValues = cols[5].view(-1);

                // Detail 7: advantage normalization, per minibatch.
                if (Options.NormalizeAdvantage && size > 1) advantages = AdvantageNormalization.Normalize(advantages);

                // One fused actor + critic forward on the flat parameter buffer.
                var weights = _core.Net.Weights();
                var (head, values) = _core.Net.Forward(observations, weights);
                var distribution = _core.Net.Distribution(head, weights);
                var logProbs = distribution.LogProb(actions);
                var entropy = distribution.Entropy().mean();

                // Detail 8: clipped surrogate objective, L = E[max(−rA, −clip(r, 1−ε, 1+ε)A)].
                var (surrogate, clipped) = ClippedSurrogateObjective.Compute(logProbs, oldLogProbs, advantages, clipRange, clipRange);
                var policyLoss = surrogate.mean();

                // Detail 9: value loss (V − R)², optionally clipped around the rollout's V (clip_range_vf).
                var valueLoss = ValueLoss.Compute(values, returns, oldValues, Options.ClipRangeVf).mean();

                // Detail 10: entropy bonus; overall loss L = L_clip + c_vf·L_V − c_ent·H.
                var loss = policyLoss + Options.VfCoef * valueLoss;
                if (Options.EntCoef != 0) loss = loss + Options.EntCoef * EntropyBonus.Compute(entropy);

                // Detail 12: debug variable approx-KL, k3 = (r − 1) − log r (Schulman 2020), and
                // early stopping when it exceeds 1.5 × target_kl (SB3 checks before the step).
                Tensor approxKl;
                using (torch.no_grad()) approxKl = KlEstimators.ApproxKl(oldLogProbs, logProbs.detach()).mean();
                if (Options.TargetKl is double targetKl && approxKl.item<float>() > 1.5 * targetKl)
                {
                    continueTraining = false;
                    earlyStop = epoch;
                    break;
                }

                _core.Net.Parameters.ZeroGrad();
                loss.backward();
                // Detail 11: global gradient clipping to max_grad_norm over all parameters at once.
                var gradNorm = _core.Net.Parameters.ClipGradNorm(Options.MaxGradNorm);
                _optimizer.Step(learningRate);

                using (torch.no_grad())
                    sums.add_(torch.stack([policyLoss.detach(), valueLoss.detach(), entropy.detach(), approxKl, ClipFraction.Compute(clipped), gradNorm]));
                minibatches++;
            }
        }

        var s = sums.cpu().data<float>().ToArray();
        return new PpoUpdateStatistics(s.Select(v => (double)v).ToArray(), minibatches, epochs, earlyStop);
    }

    /// <inheritdoc />
    public float[] Predict(ReadOnlySpan<float> observation, bool deterministic = true) => _core.Predict(observation, deterministic);

    /// <inheritdoc />
    public float[] Predict(ReadOnlySpan<float> observations, int batch, bool deterministic = true) => _core.Predict(observations, batch, deterministic);



    OnPolicyCore ISavableAlgorithm.Core => _core;
    object ISavableAlgorithm.OptionsRecord => Options;

    /// <inheritdoc />
    public TrainingState CaptureState()
    {
        var state = new TrainingState();
        _core.Capture(state);
        _optimizer.Capture(state);
        return state;
    }

    /// <inheritdoc />
    public void RestoreState(TrainingState state)
    {
        _core.Restore(state);
        using var _ = torch.no_grad();
        _optimizer.Restore(state);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _optimizer.Dispose();
        _core.Dispose();
    }
}
