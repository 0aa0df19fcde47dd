namespace PolicyGradient.Cli;

/// <summary>The `pg` exit codes (docs/training.md, Commands).</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;
    /// <summary>The run failed: diverged, environment error.</summary>
    public const int RunFailed = 1;
    /// <summary>Bad usage or bad input.</summary>
    public const int BadInput = 2;
    /// <summary>Stopped by Ctrl-C (SIGINT) after a checkpoint; see <see cref="Interrupts"/>.</summary>
    public const int Interrupted = Interrupts.SigintExitCode;
    /// <summary>Stopped by SIGTERM after a checkpoint; see <see cref="Interrupts"/>.</summary>
    public const int Terminated = Interrupts.SigtermExitCode;
}

/// <summary>A user error: printed as one clear line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>A run that failed for a reason other than bad input: exit code 1.</summary>
public sealed class RunFailedException(string message) : Exception(message);
