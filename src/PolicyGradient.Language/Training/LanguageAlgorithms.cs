using PolicyGradient.Objectives;

namespace PolicyGradient.Language.Training;

/// <summary>
/// The named algorithms of the GRPO family as compositions of the group trainer's options: which
/// advantage estimator, policy loss, clip ranges and loss aggregation each one uses. These are the
/// algorithm definitions; presets (per task) only change sizes, learning rates and step counts.
/// </summary>
public static class LanguageAlgorithms
{
    /// <summary>DAPO's overlong buffer L_cache (tokens) when the base options set none: the built-in tasks'
    /// answers are a few tokens long, so 4 tokens of soft punishment past the expected length.</summary>
    public const int DefaultOverlongBuffer = 4;

    /// <summary>Names accepted by <see cref="Options"/> (and by <c>pg train &lt;algo&gt; &lt;task&gt;</c>), plus "sft".</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["grpo", "drgrpo", "dapo", "rloo", "remax", "reinforcepp", "gpg", "gspo", "cispo", "sapo", "gvpo", "ppo-lm"];

    /// <summary>True for the names of <see cref="Names"/> and "sft" (case-insensitive).</summary>
    public static bool IsLanguageAlgorithm(string name) =>
        string.Equals(name, "sft", StringComparison.OrdinalIgnoreCase) || Names.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The trainer options that define <paramref name="name"/>, applied over <paramref name="baseOptions"/>
    /// (sizes, learning rate and seed are kept from it).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static GroupTrainerOptions Options(string name, GroupTrainerOptions? baseOptions = null)
    {
        var o = baseOptions ?? new GroupTrainerOptions();
        return name.ToLowerInvariant() switch
        {
            // GRPO (Shao et al. 2024, arXiv:2402.03300) as verl runs it: group z-score, PPO clip 0.2, token-mean.
            "grpo" => o with { Estimator = "grpo", Loss = "ppo_clip", Aggregation = LossAggregationMode.TokenMean },
            // Dr. GRPO (Liu et al. 2025, arXiv:2503.20783): no std scaling, no length normalization.
            "drgrpo" => o with { Estimator = "drgrpo", Loss = "ppo_clip", Aggregation = LossAggregationMode.SeqMeanTokenSumNorm },
            // DAPO (Yu et al. 2025, arXiv:2503.14476): clip-higher (0.2 / 0.28), token-mean, dynamic sampling,
            // overlong reward shaping (buffer: the base options' or DefaultOverlongBuffer tokens), no KL.
            "dapo" => o with
            {
                Estimator = "grpo", Loss = "ppo_clip", Clip = o.Clip with { Low = 0.2, High = 0.28 }, Aggregation = LossAggregationMode.TokenMean,
                Rollout = o.Rollout with
                {
                    DynamicSampling = true,
                    OverlongBufferLength = o.Rollout.OverlongBufferLength > 0 ? o.Rollout.OverlongBufferLength : DefaultOverlongBuffer,
                },
            },
            // RLOO (Ahmadian et al. 2024, arXiv:2402.14740): leave-one-out baseline.
            "rloo" => o with { Estimator = "rloo", Loss = "ppo_clip", Aggregation = LossAggregationMode.TokenMean },
            // ReMax (Li et al. 2023, arXiv:2310.10505): the greedy response's reward as baseline.
            "remax" => o with { Estimator = "remax", Loss = "ppo_clip", Aggregation = LossAggregationMode.TokenMean },
            // REINFORCE++ (Hu 2025, arXiv:2501.03262): batch-whitened returns, PPO clip.
            "reinforcepp" => o with { Estimator = "reinforce_plus_plus", Loss = "ppo_clip", Aggregation = LossAggregationMode.TokenMean },
            // GPG (Chu et al. 2025, arXiv:2504.02546): plain policy gradient with α = B / #nonzero.
            "gpg" => o with { Estimator = "gpg", Loss = "reinforce", Aggregation = LossAggregationMode.TokenMean },
            // GSPO (Zheng et al. 2025, arXiv:2507.18071): sequence-level ratio, tiny clip ranges, seq-mean-token-mean.
            "gspo" => o with { Estimator = "grpo", Loss = "gspo", Clip = o.Clip with { Low = 3e-4, High = 4e-4 }, Aggregation = LossAggregationMode.SeqMeanTokenMean },
            // CISPO (MiniMax 2025, arXiv:2506.13585): clipped, stop-gradient IS weight; verl's bounds.
            "cispo" => o with { Estimator = "grpo", Loss = "cispo", Aggregation = LossAggregationMode.TokenMean },
            // SAPO (arXiv 2511.20347, as verl): group z-score advantages, the soft gate instead of the clip, seq-mean-token-mean.
            "sapo" => o with { Estimator = "grpo", Loss = "sapo", Aggregation = LossAggregationMode.SeqMeanTokenMean },
            // GVPO (Zhang et al. 2025, arXiv 2504.19599; verl's recipe): centred rewards r − mean (grpo without std, i.e. drgrpo's
            // estimator), the group-variance loss on β·log(π/π_old) (gvpo_beta, 0.1), no ratio or clip; groups whole per micro-batch.
            "gvpo" => o with { Estimator = "drgrpo", Loss = "gvpo", Aggregation = LossAggregationMode.SeqMeanTokenMean },
            // PPO for language models (Ouyang et al. 2022; verl's PPO): a critic (policy copy with a value head),
            // token-level GAE (γ, λ from the base options, verl 1 and 1), PPO clip with value clipping, token-mean.
            "ppo-lm" => o with { Estimator = "gae", Loss = "ppo_clip", Aggregation = LossAggregationMode.TokenMean },
            _ => throw new ArgumentException($"unknown language algorithm '{name}'; known: sft, {string.Join(", ", Names)}", nameof(name)),
        };
    }
}
