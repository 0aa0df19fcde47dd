using PolicyGradient.Language.Model;
using PolicyGradient.Language.Training;

namespace PolicyGradient.Language.Runs;

/// <summary>One trainer behind a run (SFT or the group trainer), seen by the run loop: a step gives named metrics; the state saves and restores.</summary>
internal interface ILanguageStepper
{
    /// <summary>The policy being trained.</summary>
    TransformerPolicy Policy { get; }

    /// <summary>Steps done so far.</summary>
    int StepsDone { get; }

    /// <summary>Metric names in column order (fixed for the run).</summary>
    IReadOnlyList<string> MetricNames { get; }

    /// <summary>
    /// Metrics whose NaN means "undefined this step", not divergence (a critic's loss without a critic,
    /// the explained variance of returns that do not vary): left out of the update's metrics when NaN.
    /// </summary>
    IReadOnlySet<string> Undefined { get; }

    /// <summary>One step; values in <see cref="MetricNames"/> order.</summary>
    double[] Step();

    /// <summary>Metrics of the last step beyond <see cref="MetricNames"/> (a cluster's workers and policy lag), added as columns; empty locally.</summary>
    IReadOnlyDictionary<string, double> ExtraMetrics => System.Collections.Immutable.ImmutableDictionary<string, double>.Empty;

    /// <summary>Writes state files into a checkpoint folder; returns the problem stream's state (env-state.bin).</summary>
    byte[] SaveState(string dir);

    /// <summary>Restores from a checkpoint folder.</summary>
    void LoadState(string dir, byte[] streamState, int step);
}
