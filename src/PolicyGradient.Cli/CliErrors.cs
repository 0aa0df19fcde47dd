using PolicyGradient.Environments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace PolicyGradient.Cli;

/// <summary>Maps exceptions to one clear message on stderr and an exit code — never a stack trace for user errors.</summary>
public static class CliErrors
{
    /// <summary>Runs the app, mapping anything that escapes to an exit code.</summary>
    public static int Run(Func<int> app)
    {
        try
        {
            int code = app();
            // Spectre reports its own parse errors with -1; the contract says 2 for bad usage.
            return code < 0 ? ExitCodes.BadInput : code;
        }
        catch (Exception ex)
        {
            return Report(ex);
        }
    }

    /// <summary>Prints the error and returns its exit code.</summary>
    public static int Report(Exception ex)
    {
        while (ex is AggregateException { InnerException: { } inner }) ex = inner;
        (string kind, int code) = ex switch
        {
            UsageException or UnknownEnvironmentException or CommandParseException or CommandRuntimeException
                or ArgumentException or FormatException => ("error", ExitCodes.BadInput),
            RunFailedException or EnvContractException => ("run failed", ExitCodes.RunFailed),
            _ => ("internal error", ExitCodes.RunFailed),
        };
        Console.Error.WriteLine($"pg: {kind}: {ex.Message}");
        if (kind == "internal error") Console.Error.WriteLine(ex.ToString());
        return code;
    }
}
