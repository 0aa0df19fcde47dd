namespace PolicyGradient.Core;

/// <summary>
/// Hooks the run layer gets from any <see cref="ILearner"/>, environment algorithm or language
/// trainer: start, every update's metrics, end. Every method has a default that does nothing;
/// returning false from <see cref="OnUpdateEnd"/> stops training cleanly. Environment algorithms'
/// per-step hooks are on <see cref="ITrainingCallback"/>, which is an <see cref="IRunCallback"/> too.
/// </summary>
public interface IRunCallback
{
    /// <summary>Before the first update.</summary>
    void OnTrainingStart(ILearner learner) { }

    /// <summary>After each update, with its metrics; the learner is in a consistent state to checkpoint. False stops training.</summary>
    bool OnUpdateEnd(ILearner learner, UpdateMetrics metrics) => true;

    /// <summary>After the last update (also when stopped early).</summary>
    void OnTrainingEnd(ILearner learner) { }
}
