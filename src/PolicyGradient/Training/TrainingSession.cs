using PolicyGradient.Core;
using static TorchSharp.torch;

namespace PolicyGradient.Training;

/// <summary>How a run executes (not part of its configuration): device, determinism, extra callbacks, where warnings go.</summary>
public sealed record TrainingSession
{
    /// <summary>Tensor device.</summary>
    public Device Device { get; init; } = CPU;

    /// <summary>Deterministic mode (passed to the algorithm; the caller also pins one thread and deterministic kernels).</summary>
    public bool Deterministic { get; init; }

    /// <summary>
    /// Callbacks added after the run layer's own (after the checkpoint decision and the stop condition).
    /// An <see cref="ITrainingCallback"/> here also gets an environment algorithm's per-step hooks.
    /// </summary>
    public IReadOnlyList<IRunCallback> Callbacks { get; init; } = [];

    /// <summary>
    /// Callbacks that see each update's complete metrics (evaluation included) before the checkpoint
    /// decision: progress bars and per-step observers whose effects (a stop request, a clock) the
    /// checkpoint of the same update should see.
    /// </summary>
    public IReadOnlyList<IRunCallback> Observers { get; init; } = [];

    /// <summary>Receives warnings (skipped checkpoints, plot failures); null discards them.</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>Write TensorBoard event files.</summary>
    public bool TensorBoard { get; init; } = true;

    /// <summary>Write learning-curve.png at the end.</summary>
    public bool Plot { get; init; } = true;

    /// <summary>
    /// Stop request (Ctrl-C in <c>pg</c>): training stops at the end of the current update, writes a
    /// complete checkpoint there (the periodic format, so resume continues from it) and throws
    /// <see cref="TrainingInterruptedException"/>.
    /// </summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Clock for the wall-time checkpoint interval (<c>checkpoint_minutes</c>); tests pass a fake one.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Write periodic checkpoints and TensorBoard events on a background thread, so training does not
    /// wait for fsync (state is captured synchronously at the update; the final checkpoint is durable
    /// before <see cref="Trainer"/> returns). False writes everything on the training thread.
    /// </summary>
    public bool BackgroundWrites { get; init; } = true;

    /// <summary>
    /// Called once with the learner right after it is built, before a checkpoint is restored into it:
    /// where a host changes how the learner runs without changing what it computes (PolicyGradient.Distributed
    /// hands an on-policy algorithm's rollouts to a cluster's workers here). Null: nothing.
    /// </summary>
    public Action<ILearner>? PrepareLearner { get; init; }
}
