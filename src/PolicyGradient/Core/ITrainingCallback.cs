namespace PolicyGradient.Core;

/// <summary>
/// Hooks into an environment algorithm's loop (SB3's callbacks). Every method has a default that does
/// nothing; returning false from <see cref="OnStep"/> or <see cref="OnUpdateEnd"/> stops training cleanly.
/// It is also an <see cref="IRunCallback"/>: given to the run layer (<c>TrainingSession.Callbacks</c>)
/// its hooks fire for environment algorithms and stay silent for language trainers.
/// </summary>
public interface ITrainingCallback : IRunCallback
{
    /// <summary>Before the first rollout.</summary>
    void OnTrainingStart(IAlgorithm algorithm) { }

    /// <summary>After each vectorised env step (keep it cheap). False stops training.</summary>
    bool OnStep(IAlgorithm algorithm) => true;

    /// <summary>After a rollout is collected, before the update.</summary>
    void OnRolloutEnd(IAlgorithm algorithm) { }

    /// <summary>After each update, with its metrics; the algorithm is in a consistent state to checkpoint. False stops training.</summary>
    bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics) => true;

    /// <summary>After the last update (also when stopped early).</summary>
    void OnTrainingEnd(IAlgorithm algorithm) { }

    /// <inheritdoc />
    void IRunCallback.OnTrainingStart(ILearner learner)
    {
        if (learner is IAlgorithm a) OnTrainingStart(a);
    }

    /// <inheritdoc />
    bool IRunCallback.OnUpdateEnd(ILearner learner, UpdateMetrics metrics) => learner is not IAlgorithm a || OnUpdateEnd(a, metrics);

    /// <inheritdoc />
    void IRunCallback.OnTrainingEnd(ILearner learner)
    {
        if (learner is IAlgorithm a) OnTrainingEnd(a);
    }
}
