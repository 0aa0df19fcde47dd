using PolicyGradient.Algorithms;
using PolicyGradient.Core;

namespace PolicyGradient.Training.Callbacks;

/// <summary>
/// Stops training once the evaluation mean return (when evaluation runs) or else the recent mean
/// training return reaches <see cref="Threshold"/> (SB3's StopTrainingOnRewardThreshold).
/// </summary>
/// <param name="threshold">Return at which training stops.</param>
/// <param name="useEvaluation">Judge by the evaluation mean only (when periodic evaluation runs).</param>
public sealed class StopOnRewardThresholdCallback(double threshold, bool useEvaluation = false) : ITrainingCallback
{
    /// <summary>Return at which training stops.</summary>
    public double Threshold { get; } = threshold;

    /// <summary>True once the threshold was reached.</summary>
    public bool Reached { get; private set; }

    /// <inheritdoc />
    public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics)
    {
        string key = useEvaluation ? "eval_return_mean" : "episode_return_mean";
        if (metrics.Values.TryGetValue(key, out double r) && r >= Threshold)
            Reached = true;
        return !Reached;
    }
}
