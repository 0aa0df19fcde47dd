using PolicyGradient.Algorithms;
using PolicyGradient.Core;

namespace PolicyGradient.Training.Callbacks;

/// <summary>Reports each update's wall-clock seconds (so checkpoints can carry the total time across resumes).</summary>
internal sealed class WallClockCallback(Action<double> report) : IRunCallback
{
    /// <inheritdoc />
    public bool OnUpdateEnd(ILearner learner, UpdateMetrics metrics) { report(metrics.WallSeconds); return true; }
}
