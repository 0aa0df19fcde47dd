namespace PolicyGradient.Core;

/// <summary>An <see cref="IRunCallback"/> seen as an <see cref="ITrainingCallback"/>, so an environment algorithm's own loop can call it.</summary>
internal sealed class RunCallbackAdapter(IRunCallback inner) : ITrainingCallback
{
    /// <summary>The callback itself when it already is an <see cref="ITrainingCallback"/>, else an adapter; null stays null.</summary>
    public static ITrainingCallback? For(IRunCallback? callback) =>
        callback is null ? null : callback as ITrainingCallback ?? new RunCallbackAdapter(callback);

    public void OnTrainingStart(IAlgorithm algorithm) => inner.OnTrainingStart(algorithm);

    public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics) => inner.OnUpdateEnd(algorithm, metrics);

    public void OnTrainingEnd(IAlgorithm algorithm) => inner.OnTrainingEnd(algorithm);
}
