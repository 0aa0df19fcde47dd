namespace PolicyGradient.Environments.Checking;

/// <summary>How serious an <see cref="EnvCheckFinding"/> is.</summary>
public enum EnvCheckSeverity
{
    /// <summary>Worth knowing; not a defect.</summary>
    Info,
    /// <summary>Allowed by the contract but likely to cause trouble in training.</summary>
    Warning,
    /// <summary>Breaks the <see cref="IEnv"/> contract: the env must be fixed.</summary>
    Error,
}
