using PolicyGradient.Core;
using PolicyGradient.Estimators;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Objectives;

namespace PolicyGradient.Language.Training;

/// <summary>
/// Options of the group trainer (GRPO family). Defaults follow verl's GRPO example where it applies
/// (ε = 0.2, token-mean aggregation, no KL in the reward) with small-model learning rates. The options
/// of one concern are grouped (<see cref="Clip"/>, <see cref="Kl"/>, <see cref="Entropy"/>,
/// <see cref="Rollout"/>, <see cref="Critic"/>); in configurations every key stays flat (<c>clip_high</c>,
/// <c>kl_coefficient</c>, <c>temperature</c>, ...), as each group's documentation lists.
/// </summary>
public sealed record GroupTrainerOptions
{
    /// <summary>Updates to run.</summary>
    public int Steps { get; init; } = 100;
    /// <summary>Distinct prompts per step.</summary>
    public int PromptsPerStep { get; init; } = 16;
    /// <summary>Responses sampled per prompt (the group size K).</summary>
    public int GroupSize { get; init; } = 8;
    /// <summary>AdamW learning rate: a number, or a linear schedule to zero over the run's steps ("lin_1e-4").</summary>
    public Schedule LearningRate { get; init; } = 1e-4;
    /// <summary>Advantage estimator name in <see cref="AdvantageEstimatorRegistry.Shared"/> (grpo, drgrpo, rloo, remax,
    /// reinforce_plus_plus, ..., gae: token-level GAE with a critic, PPO for LMs), or one registered there.</summary>
    public string Estimator { get; init; } = "grpo";
    /// <summary>Policy loss name in <see cref="PolicyLossRegistry.Shared"/>: ppo_clip (with dual clip), gspo, cispo, gmpo, sapo,
    /// clip_cov, kl_cov, reinforce, or one registered there. Names compare loosely ("ppoclip" = "ppo_clip").</summary>
    [ConfigName]
    public string Loss { get; init; } = "ppo_clip";
    /// <summary>Clip ranges of the policy loss (keys clip_low, clip_high, dual_clip, log_ratio_clamp).</summary>
    [ConfigFlatten("clip_")]
    public ClipOptions Clip { get; init; } = new();
    /// <summary>Loss aggregation (verl default token-mean; Dr. GRPO seq-mean-token-sum-norm; GSPO seq-mean-token-mean).</summary>
    public LossAggregationMode Aggregation { get; init; } = LossAggregationMode.TokenMean;
    /// <summary>KL to a frozen reference (keys kl_coefficient, kl_estimator, kl_in_reward, adaptive_kl, kl_target, kl_horizon).</summary>
    [ConfigFlatten("kl_")]
    public KlOptions Kl { get; init; } = new();
    /// <summary>Entropy bonus and 80/20 token selection (keys entropy_coefficient, entropy_top_fraction).</summary>
    [ConfigFlatten("entropy_")]
    public EntropyOptions Entropy { get; init; } = new();
    /// <summary>Responses per optimizer step (verl ppo_mini_batch_size × n); 0 = the whole batch, one step per epoch.</summary>
    public int MiniBatchSize { get; init; }
    /// <summary>Responses per forward/backward pass inside a mini-batch (gradient accumulation; verl
    /// ppo_micro_batch_size); 0 = the whole mini-batch. The loss is normalized by the mini-batch, so
    /// this changes memory, not the gradient.</summary>
    public int MicroBatchSize { get; init; }
    /// <summary>Sampling, dynamic sampling and overlong shaping (keys temperature, stop_strings, max_new_tokens,
    /// dynamic_sampling, max_generation_batches, overlong_buffer_length, overlong_penalty_factor).</summary>
    [ConfigFlatten]
    public RolloutOptions Rollout { get; init; } = new();
    /// <summary>The critic of estimators that need one (keys gamma, lambda, value_clip_range, value_coefficient).</summary>
    [ConfigFlatten]
    public CriticOptions Critic { get; init; } = new();
    /// <summary>AdamW learning rate of the critic (estimators that need one, "gae"); verl's critic uses 10× the actor's rate (1e-5 vs 1e-6).</summary>
    public Schedule CriticLearningRate { get; init; } = 1e-3;
    /// <summary>Passes over each batch (μ); with 1 the ratio is 1 and the update is on-policy.</summary>
    public int Epochs { get; init; } = 1;
    /// <summary>Global gradient-norm clip (policy and critic separately).</summary>
    public double MaxGradNorm { get; init; } = 1.0;
    /// <summary>Seed of the prompt stream and the sampler.</summary>
    public long Seed { get; init; }
    /// <summary>Reward function (default: the task's reward).</summary>
    public RewardFunction? Reward { get; init; }
    /// <summary>Skip the forward/backward of responses whose advantage is 0 on every token when that cannot change
    /// the gradient (no KL in the loss, no entropy bonus, no critic, one mini-batch per epoch, a loss whose entry
    /// allows it); the loss still normalizes by the whole batch. Only speed changes (and the entropy/clip metrics
    /// then cover the trained rows).</summary>
    public bool SkipZeroAdvantageRows { get; init; } = true;
    /// <summary>Clamp each outcome reward to [−c, c] before the advantages (OpenRLHF's <c>reward_clip_range</c>;
    /// see <see cref="TokenRewardBuilder"/>); null (default) leaves rewards as they are.</summary>
    [ConfigAddedLater]
    public double? RewardClip { get; init; }
    /// <summary>GVPO's β (loss "gvpo"): the implicit reward is β·(Σ log π − Σ log π_old) per response (verl's recipe 0.1).</summary>
    [ConfigAddedLater]
    public double GvpoBeta { get; init; } = GvpoObjective.DefaultBeta;
    /// <summary>Negative control: replace the reward by a seeded uniform number in [0, 1) that ignores the
    /// response, so any accuracy gain must come from the reward signal, not from the training loop itself.</summary>
    public bool RandomRewardControl { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad option; estimator and loss names are
    /// looked up in <see cref="AdvantageEstimatorRegistry.Shared"/> and <see cref="PolicyLossRegistry.Shared"/>.</summary>
    public void Validate() => Validate(AdvantageEstimatorRegistry.Shared, PolicyLossRegistry.Shared);

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad option; names are looked up in the given registries.</summary>
    public void Validate(AdvantageEstimatorRegistry estimators, PolicyLossRegistry losses)
    {
        ArgumentNullException.ThrowIfNull(estimators);
        ArgumentNullException.ThrowIfNull(losses);
        try { estimators.Find(Estimator ?? ""); }
        catch (ArgumentException e) { throw new ArgumentException($"Estimator: {e.Message}"); }
        PolicyLossEntry loss;
        try { loss = losses.Find(Loss ?? ""); }
        catch (ArgumentException e) { throw new ArgumentException($"Loss: {e.Message}"); }
        if (RandomRewardControl && Reward is not null) throw new ArgumentException("RandomRewardControl replaces the reward: do not set Reward as well");
        if (Steps < 1 || PromptsPerStep < 1 || GroupSize < 1 || Epochs < 1)
            throw new ArgumentException("Steps, PromptsPerStep, GroupSize and Epochs must be ≥ 1");
        if (!(MaxGradNorm > 0)) throw new ArgumentException($"MaxGradNorm must be > 0, got {MaxGradNorm}");
        if (!(LearningRate.Initial > 0)) throw new ArgumentException($"LearningRate must be > 0, got {LearningRate}");
        if (!(CriticLearningRate.Initial > 0)) throw new ArgumentException($"CriticLearningRate must be > 0, got {CriticLearningRate}");
        if (RewardClip is double c && !(c > 0)) throw new ArgumentException($"RewardClip (reward_clip) must be > 0, or null for none; got {c}");
        if (MiniBatchSize < 0 || MicroBatchSize < 0) throw new ArgumentException("MiniBatchSize and MicroBatchSize must be ≥ 0 (0 = whole batch)");
        if (loss.NeedsWholeGroups) ValidateWholeGroups(loss.Name);
        if (Clip is null || Kl is null || Entropy is null || Rollout is null || Critic is null)
            throw new ArgumentException("Clip, Kl, Entropy, Rollout and Critic must not be null (leave them out for the defaults)");
        Clip.Validate();
        Kl.Validate();
        Entropy.Validate();
        Rollout.Validate();
        Critic.Validate();
    }

    /// <summary>A loss that compares a group's responses (GVPO) needs each group inside one micro-batch.</summary>
    void ValidateWholeGroups(string loss)
    {
        if (GroupSize < 2) throw new ArgumentException($"the {loss} loss compares the responses of a group: group_size must be ≥ 2, got {GroupSize}");
        if (!(GvpoBeta > 0)) throw new ArgumentException($"gvpo_beta must be > 0, got {GvpoBeta}");
        foreach (var (key, size) in new[] { ("mini_batch_size", MiniBatchSize), ("micro_batch_size", MicroBatchSize) })
            if (size % GroupSize != 0)
                throw new ArgumentException($"{key} {size} splits the groups of {GroupSize} responses, but the {loss} loss needs every response " +
                    $"of a group in the same micro-batch: set {key} to a multiple of group_size ({GroupSize}, {2 * GroupSize}, …) or 0 for the whole batch");
    }
}
