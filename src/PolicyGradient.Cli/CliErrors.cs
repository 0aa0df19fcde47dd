using System.Text.RegularExpressions;
using PolicyGradient.Cli.Options;
using PolicyGradient.Environments;
using Spectre.Console.Cli;

namespace PolicyGradient.Cli;

/// <summary>Maps exceptions to one clear message on stderr and an exit code — never a stack trace for user errors.</summary>
public static partial class CliErrors
{
    /// <summary>Runs the app, mapping anything that escapes to an exit code.</summary>
    public static int Run(Func<int> app) => Run(app, []);

    /// <summary>Runs the app, mapping anything that escapes to an exit code; <paramref name="args"/> name the option of a bad value.</summary>
    public static int Run(Func<int> app, IReadOnlyList<string> args)
    {
        try
        {
            int code = app();
            // Spectre reports its own parse errors with -1; the contract says 2 for bad usage.
            return code < 0 ? ExitCodes.BadInput : code;
        }
        catch (Exception ex)
        {
            return Report(ex, args);
        }
    }

    /// <summary>Prints the error and returns its exit code.</summary>
    public static int Report(Exception ex) => Report(ex, []);

    /// <summary>Prints the error (naming the option of a bad value from <paramref name="args"/>) and returns its exit code.</summary>
    public static int Report(Exception ex, IReadOnlyList<string> args)
    {
        while (ex is AggregateException { InnerException: { } inner }) ex = inner;
        // A value our converters refused: Spectre wraps it; say which option and what it expects.
        if (ex is CommandAppException { InnerException: OptionValueException bad })
        {
            if (OptionOf(bad.Value, args) is string o) return Print("error", $"{o}: {bad.Message}", ExitCodes.BadInput);
            // "--timesteps" as the last argument: Spectre hands the converter a placeholder, not a value.
            if (args.Count > 0 && args[^1].StartsWith("--", StringComparison.Ordinal))
                return Print("error", $"{args[^1]}: a value is missing; expected {bad.Expected}", ExitCodes.BadInput);
            return Print("error", bad.Message, ExitCodes.BadInput);
        }
        if (ex is CommandAppException && ConversionFailed().Match(ex.Message) is { Success: true } m)
            return Print("error", (OptionOf(m.Groups[1].Value, args) is string o2 ? $"{o2}: " : "") + $"'{m.Groups[1].Value}' is not a valid value (see pg <command> --help)", ExitCodes.BadInput);
        if (ex is CommandParseException && UnknownCommand().Match(ex.Message) is { Success: true } u)
            return Print("error", SuggestCommand(u.Groups[1].Value), ExitCodes.BadInput);
        if (ex is CommandParseException && ex.Message == "Flags cannot be assigned a value." && FlagWithValue(args) is string flag)
            return Print("error", $"--{flag} is a flag and takes no value; write --{flag} alone", ExitCodes.BadInput);
        if (ex is CommandParseException && UnknownOption().Match(ex.Message) is { Success: true } uo)
            return Print("error", SuggestOption(uo.Groups[1].Value, args), ExitCodes.BadInput);
        (string kind, int code) = ex switch
        {
            UsageException or UnknownEnvironmentException or CommandParseException or CommandRuntimeException
                or ArgumentException or FormatException => ("error", ExitCodes.BadInput),
            RunFailedException or EnvContractException or PolicyGradient.Distributed.ClusterFailedException => ("run failed", ExitCodes.RunFailed),
            _ => ("internal error", ExitCodes.RunFailed),
        };
        Print(kind, kind == "internal error" ? ex.Message : ParameterSuffix().Replace(ex.Message, ""), code);
        if (kind == "internal error") Console.Error.WriteLine(ex.ToString());
        return code;
    }

    static int Print(string kind, string message, int code)
    {
        Console.Error.WriteLine($"pg: {kind}: {message}");
        return code;
    }

    /// <summary>"unknown command 'trian'; did you mean 'train'?" from the command names.</summary>
    internal static string SuggestCommand(string given)
    {
        var close = Envs.Closest(given, PgApp.CommandNames, 1);
        bool near = close.Count > 0 && Envs.EditDistance(given.ToLowerInvariant(), close[0]) <= Math.Max(2, given.Length / 3);
        return $"unknown command '{given}'" + (near ? $"; did you mean '{close[0]}'?" : "") + " (pg --help lists the commands)";
    }

    /// <summary>"unknown option '--timestep'; did you mean '--timesteps'?" from the command's own options.</summary>
    internal static string SuggestOption(string given, IReadOnlyList<string> args)
    {
        var options = PgApp.OptionNames(args);
        var close = Envs.Closest(given, options, 1);
        bool near = close.Count > 0 && Envs.EditDistance(given.ToLowerInvariant(), close[0]) <= Math.Max(2, given.Length / 3);
        return $"unknown option '--{given}'" + (near ? $"; did you mean '--{close[0]}'?" : "") + (options.Count > 0 ? $" (options: {string.Join(", ", options.Select(o => "--" + o))})" : "");
    }

    /// <summary>The first "--flag=value" among <paramref name="args"/> whose name is a flag of the command.</summary>
    static string? FlagWithValue(IReadOnlyList<string> args)
    {
        var flags = PgApp.FlagNames(args);
        foreach (string a in args)
            if (a.StartsWith("--", StringComparison.Ordinal) && a.IndexOf('=', StringComparison.Ordinal) is int eq and > 2 && flags.Contains(a[2..eq])) return a[2..eq];
        return null;
    }

    /// <summary>The option that <paramref name="value"/> was given to: "--x value" or "--x=value".</summary>
    internal static string? OptionOf(string value, IReadOnlyList<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a.StartsWith('-') && a.EndsWith("=" + value, StringComparison.Ordinal)) return a[..^(value.Length + 1)];
            if (i > 0 && a == value && args[i - 1].StartsWith('-') && !args[i - 1].Contains('=', StringComparison.Ordinal)) return args[i - 1];
        }
        return null;
    }

    [GeneratedRegex(@"^Failed to convert '(.*)' to [^ ]+\.$", RegexOptions.Singleline)]
    private static partial Regex ConversionFailed();

    /// <summary>The " (Parameter 'x')" that ArgumentException appends: a C# parameter name means nothing to a user.</summary>
    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)$")]
    private static partial Regex ParameterSuffix();

    [GeneratedRegex(@"^Unknown option '(.*)'\.$")]
    private static partial Regex UnknownOption();

    [GeneratedRegex(@"^Unknown command '(.*)'\.$")]
    private static partial Regex UnknownCommand();
}
