using System.ComponentModel;
using System.Globalization;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Operations.Baselines;
using Spectre.Console;
using PolicyGradient.Cli.Options;
using Spectre.Console.Cli;

namespace PolicyGradient.Cli.Commands;

/// <summary>`pg baseline &lt;env-id&gt;`: tunes the env's heuristic policies by simulation and prints their best parameters and return.</summary>
public sealed class BaselineCommand : Command<BaselineCommand.Settings>
{
    /// <summary>Arguments and options.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>The environment id.</summary>
        [CommandArgument(0, "<env-id>")]
        [Description("Environment id, e.g. InventoryLostSales-v0.")]
        public string EnvId { get; init; } = "";

        /// <summary>Episodes per candidate.</summary>
        [CommandOption("--episodes <N>")]
        [Description("Episodes simulated per candidate (same seeds for all: common random numbers). Default 100.")]
        [TypeConverter(typeof(SmallCountConverter<int>))]
        public int Episodes { get; init; } = 100;

        /// <summary>Seed of the first episode.</summary>
        [CommandOption("--seed <S>")]
        [Description("Seed of the first episode; episode i uses seed + i. Default 0.")]
        [TypeConverter(typeof(IntegerConverter<long>))]
        public long Seed { get; init; }

        /// <summary>Env kwargs.</summary>
        [CommandOption("--kwarg <KEY=VALUE>")]
        [Description("Environment kwarg, repeatable, e.g. --kwarg lead_time=4 --kwarg lost_sales_cost=9.")]
        public string[] Kwargs { get; init; } = [];

        /// <summary>JSON output.</summary>
        [CommandOption("--json")]
        [Description("One JSON object per baseline instead of a table.")]
        public bool Json { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Episodes < 1) throw new UsageException($"--episodes {settings.Episodes} is invalid; give at least 1");
        _ = Envs.Spec(settings.EnvId); // unknown id: exit 2 with the closest ids
        if (!InventoryBaselines.EnvIds.Contains(settings.EnvId))
            throw new UsageException($"environment '{settings.EnvId}' has no heuristic baseline; baselines exist for {string.Join(", ", InventoryBaselines.EnvIds)}");
        var kwargs = new Dictionary<string, object>();
        foreach (string kv in settings.Kwargs)
        {
            int eq = kv.IndexOf('=');
            if (eq <= 0) throw new UsageException($"--kwarg '{kv}' is not KEY=VALUE; write e.g. --kwarg lead_time=4");
            kwargs[kv[..eq].Trim()] = kv[(eq + 1)..].Trim();
        }
        var results = InventoryBaselines.All(settings.EnvId, kwargs, settings.Episodes, settings.Seed);
        if (settings.Json)
        {
            foreach (var r in results)
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
                {
                    env = settings.EnvId,
                    policy = r.Name,
                    parameters = r.Parameters,
                    mean_return = r.MeanReturn,
                    std_return = r.StdReturn,
                    episodes = r.Episodes,
                    mean_cost_per_period = r.MeanCostPerPeriod,
                }));
            return ExitCodes.Success;
        }
        var table = new Table().AddColumns("policy", "parameters", "mean return", "std return", "cost / period", "episodes");
        foreach (var r in results)
            table.AddRow(r.Name, string.Join(", ", r.Parameters.Select(p => $"{p.Key}={p.Value}")),
                F(r.MeanReturn, "F1"), F(r.StdReturn, "F1"), F(r.MeanCostPerPeriod, "F4"), r.Episodes.ToString(CultureInfo.InvariantCulture));
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(settings.EnvId)}[/] heuristic baselines (seeds {settings.Seed}..{settings.Seed + settings.Episodes - 1})");
        AnsiConsole.Write(table);
        return ExitCodes.Success;
    }

    static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
