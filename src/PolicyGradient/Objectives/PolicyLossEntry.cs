namespace PolicyGradient.Objectives;

/// <summary>
/// A named policy loss and what it needs from the trainer that runs it (the capabilities the group
/// trainer asks instead of comparing names).
/// </summary>
public sealed record PolicyLossEntry
{
    /// <summary>Canonical name (as configurations write it, e.g. "ppo_clip").</summary>
    public required string Name { get; init; }

    /// <summary>Other names that select this entry. Every name is compared loosely (case, '-', '_', '.' and spaces ignored).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The loss.</summary>
    public required PolicyLossFunction Compute { get; init; }

    /// <summary>One loss per sequence [B] instead of per token (GMPO); the trainer averages it over the
    /// mini-batch's valid sequences, whatever the token aggregation mode.</summary>
    public bool PerSequence { get; init; }

    /// <summary>Whether the loss uses the sampling policy's log-probs (an importance ratio); REINFORCE does not.</summary>
    public bool NeedsOldLogProbs { get; init; } = true;

    /// <summary>Whether the ratio is a sequence-level one over <see cref="PolicyLossInput.Mask"/> (GSPO, GMPO):
    /// the rows of a response must stay together, which the trainer's row-wise micro-batches do.</summary>
    public bool SequenceLevelRatio { get; init; }

    /// <summary>Whether the loss compares the responses of a group with each other (GVPO's group mean of the implicit
    /// reward): it reads <see cref="PolicyLossInput.GroupIds"/>, and every micro-batch (and mini-batch) must hold whole
    /// groups, so the trainer refuses a mini_batch_size or micro_batch_size that is not a multiple of group_size.</summary>
    public bool NeedsWholeGroups { get; init; }

    /// <summary>Whether the loss reads <see cref="PolicyLossInput.Generator"/> (Clip-Cov's random token choice).</summary>
    public bool NeedsGenerator { get; init; }

    /// <summary>Whether a response whose advantage is 0 on every token adds exactly nothing to the gradient,
    /// neither through its own loss nor through other rows' (true for losses that scale each token by its
    /// advantage and use no batch statistics: ppo_clip, gspo, cispo, gmpo, reinforce). Only then may the
    /// trainer skip such rows' forward and backward passes (<c>skip_zero_advantage_rows</c>). False for
    /// Clip-Cov and KL-Cov, whose covariance means and top-k cover the whole batch, and by default.</summary>
    public bool ZeroAdvantageRowsInert { get; init; }

    /// <summary>Whether the loss is PPO's clip, so the trainer also reports which side of the clip
    /// (low, high, dual) bounded each token (<see cref="ClipStatistics"/>).</summary>
    public bool ReportsPpoClipSides { get; init; }
}
