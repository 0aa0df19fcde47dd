using PolicyGradient.Core;
using PolicyGradient.Estimators;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Objectives;

namespace PolicyGradient.Language.Training;

/// <summary>
/// Options of the group trainer (GRPO family). Defaults follow verl's GRPO example where it applies
/// (ε = 0.2, token-mean aggregation, no KL in the reward) with small-model learning rates.
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
    /// <summary>Advantage estimator name in <see cref="AdvantageEstimatorRegistry"/> (grpo, drgrpo, rloo, remax,
    /// reinforce_plus_plus, ...), or "gae": token-level GAE with a critic (PPO for LMs).</summary>
    public string Estimator { get; init; } = "grpo";
    /// <summary>Policy loss.</summary>
    public PolicyLossKind Loss { get; init; } = PolicyLossKind.PpoClip;
    /// <summary>Lower clip range ε_low.</summary>
    public double ClipLow { get; init; } = 0.2;
    /// <summary>Upper clip range ε_high (DAPO's clip-higher uses 0.28).</summary>
    public double ClipHigh { get; init; } = 0.2;
    /// <summary>Loss aggregation (verl default token-mean; Dr. GRPO seq-mean-token-sum-norm; GSPO seq-mean-token-mean).</summary>
    public LossAggregationMode Aggregation { get; init; } = LossAggregationMode.TokenMean;
    /// <summary>Coefficient β of the KL to a frozen copy of the initial policy (0 = no reference model);
    /// the initial β when <see cref="AdaptiveKl"/> is on. verl: kl_loss_coef 0.001, kl_ctrl.kl_coef 0.001.</summary>
    public double KlCoefficient { get; init; }
    /// <summary>KL estimator: k1, abs, k2, k3 (aliases kl, mse, low_var_kl), or k1+, abs+, k3+ (value of the
    /// estimator, gradient of k2). Default k3 (verl's kl_loss_type low_var_kl). See KlPenaltyKind.</summary>
    public string KlEstimator { get; init; } = "k3";
    /// <summary>Place the KL as a per-token reward −β·KL(π_old ‖ π_ref) before the advantages (verl
    /// use_kl_in_reward) instead of a loss term β·KL(π ‖ π_ref) (verl use_kl_loss). Default false.</summary>
    public bool KlInReward { get; init; }
    /// <summary>Adapt β with Ziegler et al.'s proportional controller towards <see cref="KlTarget"/> (verl kl_ctrl.type adaptive). Default false (fixed β).</summary>
    public bool AdaptiveKl { get; init; }
    /// <summary>Target KL of the adaptive controller (verl kl_ctrl.target_kl 0.1).</summary>
    public double KlTarget { get; init; } = 0.1;
    /// <summary>Horizon (in sequences) of the adaptive controller (verl kl_ctrl.horizon 10000).</summary>
    public double KlHorizon { get; init; } = 10000;
    /// <summary>Entropy bonus coefficient: the loss adds −c·H (verl entropy_coeff 0).</summary>
    public double EntropyCoefficient { get; init; }
    /// <summary>Fraction ρ of valid tokens, the highest-entropy ones in each mini-batch, that the policy loss
    /// trains on (Wang et al. 2025's "80/20" uses 0.2); 1 = all tokens.</summary>
    public double EntropyTopFraction { get; init; } = 1.0;
    /// <summary>Dual-clip constant c of PPO clip (Ye et al. 2020): for A &lt; 0 the loss is capped at −c·A.
    /// verl's clip_ratio_c 3; 0 turns it off; otherwise must be &gt; 1.</summary>
    public double DualClip { get; init; } = 3.0;
    /// <summary>log r is clamped to [−c, c] before exp in PPO clip (verl 20).</summary>
    public double LogRatioClamp { get; init; } = 20;
    /// <summary>Responses per optimizer step (verl ppo_mini_batch_size × n); 0 = the whole batch, one step per epoch.</summary>
    public int MiniBatchSize { get; init; }
    /// <summary>Responses per forward/backward pass inside a mini-batch (gradient accumulation; verl
    /// ppo_micro_batch_size); 0 = the whole mini-batch. The loss is normalized by the mini-batch, so
    /// this changes memory, not the gradient.</summary>
    public int MicroBatchSize { get; init; }
    /// <summary>DAPO dynamic sampling: drop groups whose rewards are all equal and generate more prompts
    /// until <see cref="PromptsPerStep"/> groups with a learning signal are collected.</summary>
    public bool DynamicSampling { get; init; }
    /// <summary>Most generation batches per step under dynamic sampling before the step fails (verl
    /// max_num_gen_batches; the DAPO example uses 10).</summary>
    public int MaxGenerationBatches { get; init; } = 10;
    /// <summary>DAPO overlong buffer L_cache in tokens (0 = no overlong shaping): generation runs
    /// L_cache tokens past the expected length and responses inside the buffer are penalized linearly.</summary>
    public int OverlongBufferLength { get; init; }
    /// <summary>Scale of the overlong penalty (verl overlong_buffer.penalty_factor 1).</summary>
    public double OverlongPenaltyFactor { get; init; } = 1.0;
    /// <summary>Discount γ per token of token-level GAE (estimator "gae", ppo-lm; verl gamma 1).</summary>
    public double Gamma { get; init; } = 1.0;
    /// <summary>GAE λ (estimator "gae"; verl lam 1).</summary>
    public double Lambda { get; init; } = 1.0;
    /// <summary>AdamW learning rate of the critic (estimator "gae"); verl's critic uses 10× the actor's rate (1e-5 vs 1e-6).</summary>
    public Schedule CriticLearningRate { get; init; } = 1e-3;
    /// <summary>Value clipping range around the rollout values (verl cliprange_value 0.5); 0 = no clipping.</summary>
    public double ValueClipRange { get; init; } = 0.5;
    /// <summary>Weight of the critic's squared error (0.5 = verl's ½·max(...) value loss).</summary>
    public double ValueCoefficient { get; init; } = 0.5;
    /// <summary>Sampling temperature (also used by the recompute).</summary>
    public double Temperature { get; init; } = 1.0;
    /// <summary>Stop strings: a response ends at the token that completes one of them (kept, trained on), like
    /// at EOS (<see cref="Generation.SamplingOptions.StopStrings"/>). Empty = only EOS and the length limit.</summary>
    public string[] StopStrings { get; init; } = [];
    /// <summary>Expected longest response in tokens (default: the task's longest answer + 1 for EOS); generation
    /// stops there, or <see cref="OverlongBufferLength"/> tokens later with overlong shaping.</summary>
    public int? MaxNewTokens { get; init; }
    /// <summary>Passes over each batch (μ); with 1 the ratio is 1 and the update is on-policy.</summary>
    public int Epochs { get; init; } = 1;
    /// <summary>Global gradient-norm clip (policy and critic separately).</summary>
    public double MaxGradNorm { get; init; } = 1.0;
    /// <summary>Seed of the prompt stream and the sampler.</summary>
    public long Seed { get; init; }
    /// <summary>Reward function (default: the task's reward).</summary>
    public RewardFunction? Reward { get; init; }
    /// <summary>Skip the forward/backward of responses whose advantage is 0 on every token when that cannot change
    /// the gradient (no KL in the loss, no entropy bonus, no critic, one mini-batch per epoch); the loss still
    /// normalizes by the whole batch. Only speed changes (and the entropy/clip metrics then cover the trained rows).</summary>
    public bool SkipZeroAdvantageRows { get; init; } = true;
    /// <summary>Negative control: replace the reward by a seeded uniform number in [0, 1) that ignores the
    /// response, so any accuracy gain must come from the reward signal, not from the training loop itself.</summary>
    public bool RandomRewardControl { get; init; }

    /// <summary>Whether <see cref="Estimator"/> is token-level GAE with a critic.</summary>
    internal bool UsesCritic => EstimatorKey == "gae";

    /// <summary><see cref="Estimator"/> as the registry compares names: lower case without '-', '_', '.' or spaces.</summary>
    internal string EstimatorKey => new(Estimator.Trim().ToLowerInvariant().Where(c => c is not ('-' or '_' or '.' or ' ')).ToArray());

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public void Validate()
    {
        if (RandomRewardControl && Reward is not null) throw new ArgumentException("RandomRewardControl replaces the reward: do not set Reward as well");
        if (StopStrings.Any(string.IsNullOrEmpty)) throw new ArgumentException("StopStrings must not contain empty strings");
        if (Steps < 1 || PromptsPerStep < 1 || GroupSize < 1 || Epochs < 1)
            throw new ArgumentException("Steps, PromptsPerStep, GroupSize and Epochs must be ≥ 1");
        if (MaxNewTokens is int mnt && mnt < 1) throw new ArgumentException($"MaxNewTokens must be ≥ 1, got {mnt}");
        if (!(MaxGradNorm > 0)) throw new ArgumentException($"MaxGradNorm must be > 0, got {MaxGradNorm}");
        if (!(LearningRate.Initial > 0)) throw new ArgumentException($"LearningRate must be > 0, got {LearningRate}");
        if (!(Temperature > 0)) throw new ArgumentException($"Temperature must be > 0, got {Temperature}");
        if (!(ClipLow >= 0 && ClipLow < 1) || !(ClipHigh >= 0)) throw new ArgumentException($"ClipLow must be in [0, 1) and ClipHigh ≥ 0, got {ClipLow} and {ClipHigh}");
        if (!(KlCoefficient >= 0)) throw new ArgumentException($"KlCoefficient must be ≥ 0, got {KlCoefficient}");
        KlPenaltyKind.Parse(KlEstimator);
        if (AdaptiveKl && KlCoefficient == 0) throw new ArgumentException("AdaptiveKl needs an initial KlCoefficient > 0 (verl kl_ctrl.kl_coef 0.001)");
        if (KlInReward && KlCoefficient == 0) throw new ArgumentException("KlInReward needs KlCoefficient > 0");
        if (!(KlTarget > 0)) throw new ArgumentException($"KlTarget must be > 0, got {KlTarget}");
        if (!(KlHorizon > 0)) throw new ArgumentException($"KlHorizon must be > 0, got {KlHorizon}");
        if (!(EntropyCoefficient >= 0)) throw new ArgumentException($"EntropyCoefficient must be ≥ 0, got {EntropyCoefficient}");
        if (!(EntropyTopFraction > 0 && EntropyTopFraction <= 1)) throw new ArgumentException($"EntropyTopFraction must be in (0, 1] (0.2 keeps the top 20 % entropy tokens), got {EntropyTopFraction}");
        if (DualClip != 0 && !(DualClip > 1)) throw new ArgumentException($"DualClip must be > 1 (3 is usual) or 0 for off, got {DualClip}");
        if (!(LogRatioClamp > 0)) throw new ArgumentException($"LogRatioClamp must be > 0, got {LogRatioClamp}");
        if (MiniBatchSize < 0 || MicroBatchSize < 0) throw new ArgumentException("MiniBatchSize and MicroBatchSize must be ≥ 0 (0 = whole batch)");
        if (MaxGenerationBatches < 1) throw new ArgumentException($"MaxGenerationBatches must be ≥ 1, got {MaxGenerationBatches}");
        if (OverlongBufferLength < 0) throw new ArgumentException($"OverlongBufferLength must be ≥ 0 (0 = off), got {OverlongBufferLength}");
        if (!(OverlongPenaltyFactor >= 0)) throw new ArgumentException($"OverlongPenaltyFactor must be ≥ 0, got {OverlongPenaltyFactor}");
        if (!(Gamma >= 0 && Gamma <= 1)) throw new ArgumentException($"Gamma must be in [0, 1], got {Gamma}");
        if (!(Lambda >= 0 && Lambda <= 1)) throw new ArgumentException($"Lambda must be in [0, 1], got {Lambda}");
        if (!(CriticLearningRate.Initial > 0)) throw new ArgumentException($"CriticLearningRate must be > 0, got {CriticLearningRate}");
        if (!(ValueClipRange >= 0)) throw new ArgumentException($"ValueClipRange must be ≥ 0 (0 = off), got {ValueClipRange}");
        if (!(ValueCoefficient >= 0)) throw new ArgumentException($"ValueCoefficient must be ≥ 0, got {ValueCoefficient}");
    }
}
