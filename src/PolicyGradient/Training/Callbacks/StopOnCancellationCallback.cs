using PolicyGradient.Algorithms;
using PolicyGradient.Core;

namespace PolicyGradient.Training.Callbacks;

/// <summary>Stops training at the end of the update during which <paramref name="token"/> was signalled (never mid-rollout).</summary>
internal sealed class StopOnCancellationCallback(CancellationToken token) : IRunCallback
{
    /// <inheritdoc />
    public bool OnUpdateEnd(ILearner learner, UpdateMetrics metrics) => !token.IsCancellationRequested;
}
