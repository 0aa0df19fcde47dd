namespace PolicyGradient.Training;

/// <summary>The outcome of a completed (or early-stopped) training session.</summary>
/// <param name="RunDir">The run folder.</param>
/// <param name="FinalCheckpoint">The final checkpoint folder.</param>
/// <param name="Timesteps">Progress reached: environment steps (or trainer steps for a language run).</param>
/// <param name="Updates">Updates done.</param>
/// <param name="MeanReturn">Mean return of the last 100 training episodes (NaN if none ended or the run has no episodes).</param>
/// <param name="StoppedEarly">True when a callback (reward threshold) ended training before the timestep budget.</param>
public sealed record RunResult(string RunDir, string FinalCheckpoint, long Timesteps, int Updates, double MeanReturn, bool StoppedEarly)
{
    /// <summary>The last evaluation of this session (mean return, or a language run's held-out accuracy), or null.</summary>
    public EvaluationResult? LastEvaluation { get; init; }

    /// <summary>The compute backend that ran the updates ("libtorch", "native").</summary>
    public string Backend { get; init; } = "libtorch";
}
