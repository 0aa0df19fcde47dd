namespace PolicyGradient.Training;

/// <summary>Training stopped because a value became NaN or infinite; the message names the metric and the step. The CLI exits with 1.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
