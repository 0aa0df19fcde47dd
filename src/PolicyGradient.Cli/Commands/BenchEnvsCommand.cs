using System.ComponentModel;
using PolicyGradient.Environments;
using Spectre.Console;
using PolicyGradient.Cli.Options;
using Spectre.Console.Cli;

namespace PolicyGradient.Cli.Commands;

/// <summary>
/// `pg bench envs`: environment steps per second — every registered env stepped alone (with its
/// registered time limit), and CartPole-v1 vectorised in-thread and on all cores. Actions are
/// pre-drawn at random, so the figures measure the envs only.
/// </summary>
public sealed class BenchEnvsCommand : Command<BenchEnvsCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : Plugins.PluginSettings
    {
        /// <summary>Seconds per measurement.</summary>
        [CommandOption("--seconds")]
        [Description("Seconds per measurement (default 2).")]
        [TypeConverter(typeof(NumberConverter))]
        public double Seconds { get; init; } = 2;

        /// <summary>Copies in the vectorised measurements.</summary>
        [CommandOption("--num-envs")]
        [Description("Copies in the vectorised CartPole measurements (default 256).")]
        [TypeConverter(typeof(SmallCountConverter<int>))]
        public int NumEnvs { get; init; } = 256;

        /// <summary>Threads for the threaded measurement.</summary>
        [CommandOption("--threads")]
        [Description("Threads for the threaded vector env (default: all cores).")]
        [TypeConverter(typeof(SmallCountConverter<int>))]
        public int? Threads { get; init; }

        /// <summary>Only these ids (comma-separated).</summary>
        [CommandOption("--env")]
        [Description("Comma-separated ids to measure (default: every registered env).")]
        public string? Env { get; init; }

        /// <summary>JSON lines.</summary>
        [CommandOption("--json")]
        [Description("One JSON object per measurement: {\"env\",\"mode\",\"num_envs\",\"steps_per_second\"}.")]
        public bool Json { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            if (!(Seconds > 0) || Seconds > 3600) return ValidationResult.Error($"--seconds must be in (0, 3600], got {Seconds}");
            if (NumEnvs < 1) return ValidationResult.Error($"--num-envs must be >= 1, got {NumEnvs}");
            if (Threads is < 1) return ValidationResult.Error($"--threads must be >= 1, got {Threads}");
            return ValidationResult.Success();
        }
    }

    const string VectorId = "CartPole-v1";

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Plugins.PluginLoader.Load(settings.EnvAssemblies);   // plug-in envs can be measured too (--env MyEnv-v0)
        return Run(settings, Console.Out);
    }

    /// <summary>Runs the measurements, writing JSON lines (with --json) to <paramref name="output"/>.</summary>
    internal static int Run(Settings settings, TextWriter output)
    {
        var ids = settings.Env is { } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(id => Envs.Spec(id).Id).ToList()
            : Envs.Registered.Select(s => s.Id).ToList();
        int threads = settings.Threads ?? Environment.ProcessorCount;
        var table = new Table().AddColumns("env", "mode", "num_envs", "steps/s", "steps per CPU-second");
        void Report(string env, string mode, int numEnvs, Throughput t)
        {
            if (settings.Json)
                output.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { env, mode, num_envs = numEnvs, steps_per_second = Math.Round(t.PerSecond) }));
            else
                table.AddRow(Markup.Escape(env), mode, numEnvs.ToString(), t.PerSecond.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), t.PerCpuSecond.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        }
        foreach (string id in ids)
        {
            Report(id, "single", 1, EnvThroughput.Single(id, settings.Seconds));
            if (id != VectorId) continue;
            Report(id, "vector", settings.NumEnvs, EnvThroughput.Vector(id, settings.NumEnvs, threaded: false, null, settings.Seconds));
            Report(id, "vector-threaded", settings.NumEnvs, EnvThroughput.Vector(id, settings.NumEnvs, threaded: true, threads, settings.Seconds));
        }
        if (!settings.Json)
        {
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"[grey]{Environment.ProcessorCount} core(s); threaded runs use {threads} thread(s); steps/s is wall-clock; under load from other processes steps per CPU-second shows what the code does per core[/]");
        }
        return ExitCodes.Success;
    }
}
