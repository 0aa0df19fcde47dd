namespace PolicyGradient.Training.Checkpoints;

/// <summary>
/// A checkpoint that cannot be used: missing or truncated file, checksum mismatch, newer format,
/// or written for another algorithm, environment or configuration. The message says precisely
/// which; the CLI maps it to exit code 2.
/// </summary>
public sealed class CheckpointException(string message, Exception? inner = null) : Exception(message, inner);
