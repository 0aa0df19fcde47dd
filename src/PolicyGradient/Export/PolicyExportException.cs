namespace PolicyGradient.Export;

/// <summary>The run's policy cannot be exported; the message names what is unsupported.</summary>
public sealed class PolicyExportException(string message) : Exception(message);
