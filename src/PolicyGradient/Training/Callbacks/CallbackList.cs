using PolicyGradient.Algorithms;
using PolicyGradient.Core;

namespace PolicyGradient.Training.Callbacks;

/// <summary>
/// Runs several callbacks in order. Every callback sees every event (so a row is still logged
/// for the update that makes another callback stop); training stops if any of them says so.
/// </summary>
public sealed class CallbackList(IEnumerable<ITrainingCallback> callbacks) : ITrainingCallback
{
    readonly ITrainingCallback[] _callbacks = callbacks.ToArray();

    /// <inheritdoc />
    public void OnTrainingStart(IAlgorithm algorithm) { foreach (var c in _callbacks) c.OnTrainingStart(algorithm); }

    /// <inheritdoc />
    public bool OnStep(IAlgorithm algorithm)
    {
        bool go = true;
        foreach (var c in _callbacks) go &= c.OnStep(algorithm);
        return go;
    }

    /// <inheritdoc />
    public void OnRolloutEnd(IAlgorithm algorithm) { foreach (var c in _callbacks) c.OnRolloutEnd(algorithm); }

    /// <inheritdoc />
    public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics)
    {
        bool go = true;
        foreach (var c in _callbacks) go &= c.OnUpdateEnd(algorithm, metrics);
        return go;
    }

    /// <inheritdoc />
    public void OnTrainingEnd(IAlgorithm algorithm) { foreach (var c in _callbacks) c.OnTrainingEnd(algorithm); }
}
