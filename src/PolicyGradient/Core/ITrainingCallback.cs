
namespace PolicyGradient.Core;

/// <summary>
/// Hooks into an algorithm's loop (SB3's callbacks). Every method has a default that does nothing;
/// returning false from <see cref="OnStep"/> or <see cref="OnUpdateEnd"/> stops training cleanly.
/// </summary>
public interface ITrainingCallback
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
}
