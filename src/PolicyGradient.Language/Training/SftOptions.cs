using PolicyGradient.Core;

namespace PolicyGradient.Language.Training;

/// <summary>Supervised warm start on a task's reference solutions.</summary>
public sealed record SftOptions
{
    /// <summary>Optimizer steps.</summary>
    public int Steps { get; init; } = 500;
    /// <summary>Problems per step.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>AdamW learning rate (small models from scratch tolerate 1e-3): a number, or a linear schedule to zero over the steps ("lin_1e-3").</summary>
    public Schedule LearningRate { get; init; } = 1e-3;
    /// <summary>AdamW decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 0.0;
    /// <summary>Global gradient-norm clip.</summary>
    public double MaxGradNorm { get; init; } = 1.0;
    /// <summary>Seed of the problem stream.</summary>
    public long Seed { get; init; }
    /// <summary>
    /// When set, every batch is drawn (uniformly, with replacement) from a fixed pool of this many distinct
    /// training problems chosen once from the seed, instead of fresh problems at every step: a limited
    /// supervised data set, for measuring what RL on fresh prompts adds beyond it (issue 16). Like the
    /// stream, the pool never holds a held-out problem. Null (default): a fresh stream.
    /// </summary>
    [ConfigAddedLater]
    public int? SftPoolSize { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public void Validate()
    {
        if (SftPoolSize is < 1)
            throw new ArgumentException($"sft_pool_size must be at least 1 (got {SftPoolSize}); leave it out for a fresh problem stream");
    }
}
