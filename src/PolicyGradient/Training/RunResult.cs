namespace PolicyGradient.Training;

/// <summary>The outcome of a completed (or early-stopped) training session.</summary>
/// <param name="RunDir">The run folder.</param>
/// <param name="FinalCheckpoint">The final checkpoint folder.</param>
/// <param name="Timesteps">Environment steps reached.</param>
/// <param name="Updates">Updates done.</param>
/// <param name="MeanReturn">Mean return of the last 100 training episodes (NaN if none ended).</param>
/// <param name="StoppedEarly">True when a callback (reward threshold) ended training before the timestep budget.</param>
public sealed record RunResult(string RunDir, string FinalCheckpoint, long Timesteps, int Updates, double MeanReturn, bool StoppedEarly);
