namespace PolicyGradient.Environments.Checking;

/// <summary>The findings of <see cref="EnvChecker.Check"/>.</summary>
/// <param name="Findings">Everything found, in the order checked.</param>
public sealed record EnvCheckReport(IReadOnlyList<EnvCheckFinding> Findings)
{
    /// <summary>True when no finding is an <see cref="EnvCheckSeverity.Error"/>.</summary>
    public bool Passed => Findings.All(f => f.Severity != EnvCheckSeverity.Error);

    /// <summary>The findings of severity <see cref="EnvCheckSeverity.Error"/>.</summary>
    public IEnumerable<EnvCheckFinding> Errors => Findings.Where(f => f.Severity == EnvCheckSeverity.Error);

    /// <summary>The findings of severity <see cref="EnvCheckSeverity.Warning"/>.</summary>
    public IEnumerable<EnvCheckFinding> Warnings => Findings.Where(f => f.Severity == EnvCheckSeverity.Warning);
}
