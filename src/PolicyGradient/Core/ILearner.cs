namespace PolicyGradient.Core;

/// <summary>
/// Anything the run layer (<c>Training/</c>) can train into a run folder: the environment algorithms
/// (<see cref="IAlgorithm"/>, whose progress counts environment timesteps) and the language-model
/// trainers (whose progress counts trainer steps). The run layer drives every run through this
/// contract alone: it calls <see cref="Learn"/> with its callbacks (progress.csv, TensorBoard, the
/// divergence guard, checkpoints, evaluation, stop conditions) and checkpoints through
/// <see cref="CaptureState"/> / <see cref="RestoreState"/>.
/// </summary>
public interface ILearner : IDisposable
{
    /// <summary>Short name used in the CLI and run folders, e.g. "ppo" or "grpo".</summary>
    string Name { get; }

    /// <summary>Progress so far, in <see cref="ProgressUnit"/>: environment timesteps (summed over vectorised copies) or trainer steps.</summary>
    long Progress { get; }

    /// <summary>What <see cref="Progress"/> counts: "timesteps" (environment steps) or "steps" (trainer steps).</summary>
    string ProgressUnit { get; }

    /// <summary>Updates done so far (one per rollout for on-policy methods, one per step for language trainers).</summary>
    int NumUpdates { get; }

    /// <summary>
    /// The compute backend that actually runs the updates, recorded in the run's config.yaml and
    /// progress.csv: "libtorch" unless the learner says otherwise (e.g. "native" for the fused CPU kernels).
    /// </summary>
    string Backend => "libtorch";

    /// <summary>
    /// Trains until <see cref="Progress"/> reaches <paramref name="total"/> (counted from zero, so
    /// calling it again after a restore continues the same schedule) or a callback stops it. The
    /// callback sees every update's metrics (<see cref="IRunCallback.OnUpdateEnd"/>), with
    /// <see cref="UpdateMetrics.Timesteps"/> holding the progress in <see cref="ProgressUnit"/>.
    /// </summary>
    void Learn(long total, IRunCallback? callback = null);

    /// <summary>
    /// Everything needed to continue exactly: weights, optimizer state, generator states, env or
    /// problem-stream states, counters. Taken between updates (in <see cref="IRunCallback.OnUpdateEnd"/>).
    /// </summary>
    TrainingState CaptureState();

    /// <summary>Restores a state from <see cref="CaptureState"/> of a learner built with the same options and target.</summary>
    /// <exception cref="InvalidDataException">A tensor or file is missing or has the wrong shape; the message names it.</exception>
    void RestoreState(TrainingState state);
}
