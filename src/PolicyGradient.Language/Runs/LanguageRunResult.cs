namespace PolicyGradient.Language.Runs;

/// <summary>How a language run ended.</summary>
/// <param name="RunDir">The run folder.</param>
/// <param name="Steps">Steps done in total.</param>
/// <param name="FinalCheckpoint">The final checkpoint folder.</param>
/// <param name="HeldOutAccuracy">Held-out greedy accuracy after the last step.</param>
/// <param name="Last">The last step's record (null when no step ran in this session).</param>
public sealed record LanguageRunResult(string RunDir, int Steps, string FinalCheckpoint, double HeldOutAccuracy, LanguageStepRecord? Last);
