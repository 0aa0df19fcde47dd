using System.ComponentModel;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Checking;
using Spectre.Console;
using PolicyGradient.Cli.Options;
using Spectre.Console.Cli;
using PolicyGradient.Training;

namespace PolicyGradient.Cli.Commands;

/// <summary>`pg env check &lt;id&gt;`: runs the env checker; exit 0 when clean, 1 when a check fails, 2 for an unknown id.</summary>
public sealed class EnvCheckCommand : Command<EnvCheckCommand.Settings>
{
    /// <summary>Arguments and options.</summary>
    public sealed class Settings : Plugins.PluginSettings
    {
        /// <summary>The registered id.</summary>
        [CommandArgument(0, "<id>")]
        [Description("Registered environment id, e.g. CartPole-v1 (`pg envs` lists them).")]
        public string Id { get; init; } = "";

        /// <summary>Seed for resets and random actions.</summary>
        [CommandOption("--seed")]
        [Description("Seed for the resets and the random actions (default 0).")]
        [TypeConverter(typeof(IntegerConverter<long>))]
        public long Seed { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Plugins.PluginLoader.Load(settings.EnvAssemblies);
        using var env = Envs.Make(settings.Id); // unknown id: UnknownEnvironmentException, exit 2 with the closest ids
        var report = EnvChecker.Check(env, settings.Seed);
        foreach (var f in report.Findings)
        {
            string color = f.Severity switch { EnvCheckSeverity.Error => "red", EnvCheckSeverity.Warning => "yellow", _ => "grey" };
            AnsiConsole.MarkupLine($"[{color}]{f.Severity.ToString().ToLowerInvariant()}[/] [[{Markup.Escape(f.Check)}]] {Markup.Escape(f.Message)}");
        }
        int errors = report.Errors.Count(), warnings = report.Warnings.Count();
        AnsiConsole.MarkupLine(report.Passed
            ? $"[green]{Markup.Escape(settings.Id)} passed the env checks[/] ({warnings} warning(s))"
            : $"[red]{Markup.Escape(settings.Id)} failed the env checks[/]: {errors} error(s), {warnings} warning(s)");
        return report.Passed ? ExitCodes.Success : ExitCodes.RunFailed;
    }
}
