using PolicyGradient.Algorithms;

namespace PolicyGradient.Training.Callbacks;

/// <summary>
/// Stops training once the evaluation mean return (when evaluation runs) or else the recent mean
/// training return reaches <see cref="Threshold"/> (SB3's StopTrainingOnRewardThreshold).
/// </summary>
public sealed class StopOnRewardThresholdCallback(double threshold) : ITrainingCallback
{
    /// <summary>Return at which training stops.</summary>
    public double Threshold { get; } = threshold;

    /// <summary>True once the threshold was reached.</summary>
    public bool Reached { get; private set; }

    /// <inheritdoc />
    public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics)
    {
        if (metrics.Values.TryGetValue("eval_return_mean", out double e) ? e >= Threshold
            : metrics.Values.TryGetValue("episode_return_mean", out double r) && r >= Threshold)
            Reached = true;
        return !Reached;
    }
}
