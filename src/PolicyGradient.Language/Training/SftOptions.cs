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
}
