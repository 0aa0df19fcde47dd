namespace PolicyGradient.Training;

/// <summary>
/// Training stopped because <see cref="TrainingSession.Cancellation"/> was signalled (Ctrl-C in
/// <c>pg</c>): the run stopped at the end of an update and saved a complete checkpoint there, so
/// <c>pg resume</c> (or <see cref="Trainer.Resume(string, long?, TrainingSession)"/>) continues it exactly.
/// </summary>
/// <param name="runDir">The run folder.</param>
/// <param name="checkpoint">The checkpoint written at the stop (a step-N folder).</param>
/// <param name="timesteps">Environment steps (or trainer steps for language runs) reached.</param>
public sealed class TrainingInterruptedException(string runDir, string checkpoint, long timesteps)
    : OperationCanceledException($"interrupted at step {timesteps}; checkpoint {checkpoint}")
{
    /// <summary>The run folder.</summary>
    public string RunDir { get; } = runDir;

    /// <summary>The checkpoint written at the stop.</summary>
    public string Checkpoint { get; } = checkpoint;

    /// <summary>Steps reached.</summary>
    public long Timesteps { get; } = timesteps;
}
