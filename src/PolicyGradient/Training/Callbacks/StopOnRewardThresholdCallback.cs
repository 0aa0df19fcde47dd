using PolicyGradient.Core;

namespace PolicyGradient.Training.Callbacks;

/// <summary>
/// Stops training once a metric reaches <see cref="Threshold"/>: by default the evaluation mean
/// return (when evaluation runs) or else the recent mean training return (SB3's
/// StopTrainingOnRewardThreshold); a language run judges its held-out accuracy.
/// </summary>
public sealed class StopOnRewardThresholdCallback : IRunCallback
{
    /// <summary>Stops on the evaluation mean return (<paramref name="useEvaluation"/>) or the recent mean training return.</summary>
    /// <param name="threshold">Return at which training stops.</param>
    /// <param name="useEvaluation">Judge by the evaluation mean only (when periodic evaluation runs).</param>
    public StopOnRewardThresholdCallback(double threshold, bool useEvaluation = false)
        : this(threshold, useEvaluation ? EpisodeEvaluation.Metric : "episode_return_mean") { }

    /// <summary>Stops when the metric <paramref name="metric"/> of an update reaches <paramref name="threshold"/>.</summary>
    public StopOnRewardThresholdCallback(double threshold, string metric)
    {
        Threshold = threshold;
        Metric = metric;
    }

    /// <summary>Value at which training stops.</summary>
    public double Threshold { get; }

    /// <summary>The metric judged.</summary>
    public string Metric { get; }

    /// <summary>True once the threshold was reached.</summary>
    public bool Reached { get; private set; }

    /// <inheritdoc />
    public bool OnUpdateEnd(ILearner learner, UpdateMetrics metrics)
    {
        if (metrics.Values.TryGetValue(Metric, out double r) && r >= Threshold)
            Reached = true;
        return !Reached;
    }
}
