using PolicyGradient.Core;

namespace PolicyGradient.Training.Callbacks;

/// <summary>
/// Runs several callbacks in order. Every callback sees every event (so a row is still logged
/// for the update that makes another callback stop); training stops if any of them says so. It is an
/// <see cref="ITrainingCallback"/>, so an environment algorithm's loop also reaches the per-step
/// hooks of the members that have them.
/// </summary>
public sealed class CallbackList(IEnumerable<IRunCallback> callbacks) : ITrainingCallback
{
    readonly IRunCallback[] _callbacks = callbacks.ToArray();

    /// <inheritdoc />
    public void OnTrainingStart(ILearner learner) { foreach (var c in _callbacks) c.OnTrainingStart(learner); }

    /// <inheritdoc />
    public bool OnUpdateEnd(ILearner learner, UpdateMetrics metrics)
    {
        bool go = true;
        foreach (var c in _callbacks) go &= c.OnUpdateEnd(learner, metrics);
        return go;
    }

    /// <inheritdoc />
    public void OnTrainingEnd(ILearner learner) { foreach (var c in _callbacks) c.OnTrainingEnd(learner); }

    /// <inheritdoc />
    public void OnTrainingStart(IAlgorithm algorithm) => OnTrainingStart((ILearner)algorithm);

    /// <inheritdoc />
    public bool OnStep(IAlgorithm algorithm)
    {
        bool go = true;
        foreach (var c in _callbacks)
            if (c is ITrainingCallback t) go &= t.OnStep(algorithm);
        return go;
    }

    /// <inheritdoc />
    public void OnRolloutEnd(IAlgorithm algorithm)
    {
        foreach (var c in _callbacks)
            if (c is ITrainingCallback t) t.OnRolloutEnd(algorithm);
    }

    /// <inheritdoc />
    public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics) => OnUpdateEnd((ILearner)algorithm, metrics);

    /// <inheritdoc />
    public void OnTrainingEnd(IAlgorithm algorithm) => OnTrainingEnd((ILearner)algorithm);
}
