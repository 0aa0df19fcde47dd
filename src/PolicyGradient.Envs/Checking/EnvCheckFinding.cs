namespace PolicyGradient.Environments.Checking;

/// <summary>One result of <see cref="EnvChecker.Check"/>.</summary>
/// <param name="Severity">How serious it is.</param>
/// <param name="Check">Short name of the check, e.g. "determinism".</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record EnvCheckFinding(EnvCheckSeverity Severity, string Check, string Message)
{
    /// <summary>"error [check] message".</summary>
    public override string ToString() => $"{Severity.ToString().ToLowerInvariant()} [{Check}] {Message}";
}
