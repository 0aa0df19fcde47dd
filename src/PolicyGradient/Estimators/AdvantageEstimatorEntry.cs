namespace PolicyGradient.Estimators;

/// <summary>
/// A named advantage estimator and what it needs from the trainer that runs it (the capabilities
/// the group trainer asks instead of comparing names). Exactly one of <see cref="Estimator"/> and
/// <see cref="CriticEstimator"/> is set; which one says whether a critic is needed.
/// </summary>
public sealed record AdvantageEstimatorEntry
{
    /// <summary>Canonical name (as configurations write it, e.g. "reinforce_plus_plus").</summary>
    public required string Name { get; init; }

    /// <summary>Other names that select this entry (e.g. "reinforcepp"). Every name is compared loosely
    /// (case, '-', '_', '.' and spaces ignored).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>An outcome-reward estimator (set for every estimator without a critic).</summary>
    public GroupAdvantageEstimator? Estimator { get; init; }

    /// <summary>An estimator that bootstraps from a critic (token-level GAE); the trainer then builds,
    /// evaluates and trains a value model.</summary>
    public CriticAdvantageEstimator? CriticEstimator { get; init; }

    /// <summary>Whether the trainer must keep a critic (true when <see cref="CriticEstimator"/> is set).</summary>
    public bool NeedsCritic => CriticEstimator is not null;

    /// <summary>Whether the estimator reads <see cref="GroupAdvantageInput.BaselineScores"/>: the reward of the
    /// greedy response to each prompt (ReMax), which costs one greedy generation per prompt.</summary>
    public bool NeedsGreedyBaseline { get; init; }

    /// <summary>Whether the estimator reads per-token rewards (<see cref="GroupAdvantageInput.TokenRewards"/>,
    /// e.g. −β·KL in the reward). Otherwise the trainer adds each response's token-reward sum to its outcome
    /// score, as verl sums token-level rewards into the score for outcome estimators.</summary>
    public bool ReadsTokenRewards { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> unless exactly one estimator is set.</summary>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Name);
        if ((Estimator is null) == (CriticEstimator is null))
            throw new ArgumentException($"advantage estimator '{Name}': set exactly one of Estimator (outcome rewards) and CriticEstimator (with a critic)");
    }
}
