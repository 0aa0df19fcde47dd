using System.Diagnostics;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Training;

/// <summary>
/// The group trainer for the GRPO family (Shao et al. 2024) and PPO for language models, composed
/// from the shared pieces. Per step: sample K responses for each of N prompts (<see cref="Generation.Sampler"/>;
/// with dynamic sampling, drop groups without reward variance and sample more), score them (a
/// throwing reward gives NaN = invalid; DAPO's overlong penalty is added), optionally put −β·KL to
/// a frozen reference into the token rewards, turn rewards into token advantages (a named estimator
/// of <see cref="AdvantageEstimatorRegistry"/>; its entry says whether it needs greedy baselines, as
/// ReMax, or a critic, as token-level GAE), then for each epoch and mini-batch accumulate the gradient
/// over micro-batches of the named policy loss (<see cref="Objectives.PolicyLossRegistry"/>) (+ β·KL, − c·entropy) normalized by the whole mini-batch
/// (<see cref="Objectives.LossAggregation"/>), clip the gradient norm and take an AdamW step. Old
/// log-probs are the sampler's, so the first pass is exactly on-policy. Formulas and conventions:
/// docs/algorithms/language.md.
/// </summary>
public sealed partial class GroupTrainer
{
    readonly TransformerPolicy _policy;
    readonly TransformerPolicy? _reference;
    readonly VerifiableTask _task;
    readonly ITokenizer _tokenizer;
    readonly GroupTrainerOptions _options;
    /// <summary>The advantage estimator and what it needs (critic, greedy baselines, token rewards).</summary>
    readonly AdvantageEstimatorEntry _estimator;
    /// <summary>The policy loss and what it needs (per-sequence output, generator, every row).</summary>
    readonly PolicyLossEntry _loss;
    readonly RewardFunction _reward;
    readonly optim.Optimizer _optimizer;
    readonly Rng _rng;
    readonly Generator _generator;
    readonly KlPenaltyKind _klKind;
    int _step;
    /// <summary>Whether a backward pass has written the policy's gradient buffers since this trainer was built (<see cref="GradientBuffers"/>).</summary>
    bool _backwardRan;
    /// <summary>The KL coefficient β in use: KlCoefficient at start, moved by the adaptive controller (checkpointed state).</summary>
    double _klCoefficient;
    /// <summary>The critic of estimators that need one (ppo-lm's "gae"): a copy of the policy with a value head (checkpointed state).</summary>
    readonly TransformerPolicy? _critic;
    /// <summary>The critic's AdamW (checkpointed state).</summary>
    readonly optim.Optimizer? _criticOptimizer;

    /// <summary>A trainer that updates <paramref name="policy"/> in place.</summary>
    /// <param name="policy">The policy, updated in place.</param>
    /// <param name="task">Where prompts and the default reward come from.</param>
    /// <param name="tokenizer">The policy's tokenizer.</param>
    /// <param name="options">The options; <see cref="GroupTrainerOptions.Estimator"/> and <see cref="GroupTrainerOptions.Loss"/> are looked up by name.</param>
    /// <param name="estimators">Where the estimator name is looked up (default <see cref="AdvantageEstimatorRegistry.Shared"/>).</param>
    /// <param name="losses">Where the loss name is looked up (default <see cref="PolicyLossRegistry.Shared"/>).</param>
    /// <exception cref="ArgumentException">A bad option or an unknown estimator or loss name (the message lists the registered ones).</exception>
    public GroupTrainer(TransformerPolicy policy, VerifiableTask task, ITokenizer tokenizer, GroupTrainerOptions options,
        AdvantageEstimatorRegistry? estimators = null, PolicyLossRegistry? losses = null)
    {
        estimators ??= AdvantageEstimatorRegistry.Shared;
        losses ??= PolicyLossRegistry.Shared;
        options.Validate(estimators, losses);
        _policy = policy; _task = task; _tokenizer = tokenizer; _options = options;
        _estimator = estimators.Find(options.Estimator);
        _loss = losses.Find(options.Loss);
        _optimizer = optim.AdamW(policy.parameters(), options.LearningRate.Initial, weight_decay: 0.0);
        GradientBuffers.Allocate(policy.parameters());
        _rng = new Rng(options.Seed);
        // Negative control: a seeded uniform reward that ignores the response, drawn from the checkpointed prompt stream.
        _reward = options.RandomRewardControl ? (_, _, _) => (float)_rng.NextDouble() : options.Reward ?? task.RewardFunction;
        _generator = new Generator((ulong)options.Seed + 1);
        _klKind = KlPenaltyKind.Parse(options.Kl.Estimator);
        _klCoefficient = options.Kl.Coefficient;
        var device = policy.parameters().First().device;
        if (options.Kl.Coefficient > 0)
        {
            _reference = CopyOf(policy, policy.Config, device, options.Seed);
            _reference.eval();
            foreach (var p in _reference.parameters()) p.requires_grad = false;
        }
        if (_estimator.NeedsCritic)
        {
            // verl initializes the critic from the actor's weights; the value head starts from the seeded init.
            _critic = CopyOf(policy, policy.Config with { ValueHead = true }, device, options.Seed + 2);
            _criticOptimizer = optim.AdamW(_critic.parameters(), options.CriticLearningRate.Initial, weight_decay: 0.0);
        }
    }

    /// <summary>A new model of <paramref name="config"/> on <paramref name="device"/> holding <paramref name="source"/>'s weights (extra heads keep their init).</summary>
    static TransformerPolicy CopyOf(TransformerPolicy source, TransformerConfig config, Device device, long seed)
    {
        var copy = new TransformerPolicy(config, seed);
        copy.to(device);
        copy.load_state_dict(source.state_dict(), strict: false);
        return copy;
    }

    /// <summary>One sample → score → advantage → update cycle.</summary>
    public GroupStepMetrics Step()
    {
        var metrics = Interop.ScalarLifetimeGuard.Run(StepUnguarded);
        Diagnostics.MemoryProbe.Mark("grpo", _step - 1, "scope freed");
        StepGarbage.Collect();
        Diagnostics.MemoryProbe.Mark("grpo", _step - 1, "collected");
        return metrics;
    }

    GroupStepMetrics StepUnguarded()
    {
        using var scope = torch.NewDisposeScope();
        LearningRateSchedule.Apply(_optimizer, _options.LearningRate, _step, _options.Steps);
        if (_criticOptimizer is not null) LearningRateSchedule.Apply(_criticOptimizer, _options.CriticLearningRate, _step, _options.Steps);
        var device = _policy.parameters().First().device;
        Diagnostics.MemoryProbe.Mark("grpo", _step, "start");
        var batch = CollectRollouts(device);
        Diagnostics.MemoryProbe.Mark("grpo", _step, "sampled");
        double klCoefficient = _klCoefficient;
        var clock = Stopwatch.StartNew();
        var u = Update(batch);
        double trainingSeconds = clock.Elapsed.TotalSeconds;
        if (_options.Kl.Adaptive)
            _klCoefficient = AdaptiveKlCoefficient.Update(_klCoefficient, u.ControllerKl, _options.Kl.Target, _options.Kl.Horizon, batch.Samples.Length);

        var s = batch.Stats;
        long tokens = (long)batch.Mask.sum().item<float>();
        return new GroupStepMetrics(_step++, s.RewardMean, s.RewardStd, s.Accuracy, s.ZeroStdGroupFraction,
            tokens / (double)batch.Samples.Length, u.Entropy, u.ClipFraction, u.Kl, u.GradNorm, u.Loss, s.InvalidSamples,
            s.GenerationSeconds, trainingSeconds, tokens)
        {
            ClipFractionLow = u.ClipLow, ClipFractionHigh = u.ClipHigh, DualClipFraction = u.DualClip,
            GenerationTokensPerSecond = s.SampledTokens / Math.Max(s.GenerationSeconds, 1e-9),
            TrainingTokensPerSecond = tokens * (double)_options.Epochs / Math.Max(trainingSeconds, 1e-9),
            GenerationBatches = s.GenerationBatches, ValueLoss = u.ValueLoss, ExplainedVariance = u.ExplainedVariance,
            KlCoefficient = klCoefficient, TrainedTokenFraction = u.TrainedTokenFraction,
        };
    }
}
