using PolicyGradient.Algorithms;
using PolicyGradient.Core;

namespace PolicyGradient.Training.Callbacks;

/// <summary>
/// Reports each update's wall-clock seconds (so checkpoints can carry the total time across resumes) and
/// tells the later callbacks the time before this session (<see cref="UpdateMetrics.WallSecondsBefore"/>).
/// </summary>
internal sealed class WallClockCallback(double before, Action<double> report) : IRunCallback
{
    /// <inheritdoc />
    public bool OnUpdateEnd(ILearner learner, UpdateMetrics metrics)
    {
        metrics.WallSecondsBefore = before;
        report(metrics.WallSeconds);
        return true;
    }
}
