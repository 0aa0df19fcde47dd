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
    /// <summary>AdamW learning rate.</summary>
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>Advantage estimator name in <see cref="AdvantageEstimatorRegistry"/> (grpo, drgrpo, rloo, reinforce_plus_plus, ...).</summary>
    public string Estimator { get; init; } = "grpo";
    /// <summary>Policy loss.</summary>
    public PolicyLossKind Loss { get; init; } = PolicyLossKind.PpoClip;
    /// <summary>Lower clip range ε_low.</summary>
    public double ClipLow { get; init; } = 0.2;
    /// <summary>Upper clip range ε_high (DAPO's clip-higher uses 0.28).</summary>
    public double ClipHigh { get; init; } = 0.2;
    /// <summary>Loss aggregation (verl default token-mean; Dr. GRPO seq-mean-token-sum-norm; GSPO seq-mean-token-mean).</summary>
    public LossAggregationMode Aggregation { get; init; } = LossAggregationMode.TokenMean;
    /// <summary>Coefficient of the k3 KL-to-reference term in the loss (0 = no reference model).</summary>
    public double KlCoefficient { get; init; }
    /// <summary>Sampling temperature (also used by the recompute).</summary>
    public double Temperature { get; init; } = 1.0;
    /// <summary>Most new tokens per response (default: the task's longest answer + 1 for EOS).</summary>
    public int? MaxNewTokens { get; init; }
    /// <summary>Passes over each batch (μ); with 1 the ratio is 1 and the update is on-policy.</summary>
    public int Epochs { get; init; } = 1;
    /// <summary>Global gradient-norm clip.</summary>
    public double MaxGradNorm { get; init; } = 1.0;
    /// <summary>Seed of the prompt stream and the sampler.</summary>
    public long Seed { get; init; }
    /// <summary>Reward function (default: the task's reward).</summary>
    public RewardFunction? Reward { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public void Validate()
    {
        if (Steps < 1 || PromptsPerStep < 1 || GroupSize < 1 || Epochs < 1)
            throw new ArgumentException("Steps, PromptsPerStep, GroupSize and Epochs must be ≥ 1");
        if (!(LearningRate > 0)) throw new ArgumentException($"LearningRate must be > 0, got {LearningRate}");
        if (!(Temperature > 0)) throw new ArgumentException($"Temperature must be > 0, got {Temperature}");
        if (ClipLow < 0 || ClipHigh < 0) throw new ArgumentException("clip ranges must be ≥ 0");
        if (KlCoefficient < 0) throw new ArgumentException($"KlCoefficient must be ≥ 0, got {KlCoefficient}");
    }
}
