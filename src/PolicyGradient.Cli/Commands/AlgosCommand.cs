using System.ComponentModel;
using System.Text.Json;
using PolicyGradient.Algorithms;
using PolicyGradient.Language.Runs;
using PolicyGradient.Language.Training;
using PolicyGradient.Training.Configuration;
using Spectre.Console;
using Spectre.Console.Cli;

namespace PolicyGradient.Cli.Commands;

/// <summary>`pg algos`: every algorithm `pg train` accepts, from the registries: classic (environments) and language (tasks).</summary>
public sealed class AlgosCommand : Command<AlgosCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>JSON lines instead of a table.</summary>
        [CommandOption("--json")][Description("One JSON object per algorithm: {\"name\",\"kind\",\"action_spaces\",\"presets\",\"description\"}.")]
        public bool Json { get; init; }
    }

    /// <summary>The action spaces of the classic algorithms: they all act through ActorCriticPolicy.</summary>
    internal const string ClassicActionSpaces = "Discrete, MultiDiscrete, MultiBinary, Box";

    /// <summary>One row: name, kind (classic or language), action spaces, preset envs or tasks, description.</summary>
    internal sealed record Row(string Name, string Kind, string ActionSpaces, IReadOnlyList<string> Presets, string Description);

    /// <summary>The rows, classic algorithms first, each group by name.</summary>
    internal static IReadOnlyList<Row> Rows()
    {
        var rows = new List<Row>();
        var classicPresets = Presets.All;
        foreach (var d in AlgorithmRegistry.All)
            rows.Add(new Row(d.Name, "classic", ClassicActionSpaces,
                classicPresets.Where(p => p.Algorithm == d.Name.ToLowerInvariant()).Select(p => p.EnvId).ToList(), d.Description));
        var languagePresets = LanguagePresets.All.Where(p => p.Task != LanguagePresets.AnyTask).ToList();
        foreach (string name in new[] { "sft" }.Concat(LanguageAlgorithms.Names))
        {
            var tasks = languagePresets.Where(p => p.Algorithm == name || (name != "sft" && p.Algorithm == LanguagePresets.AnyRl))
                .Select(p => p.Task).Distinct().Order(StringComparer.Ordinal).ToList();
            rows.Add(new Row(name, "language", "tokens (language tasks, see pg tasks)", tasks,
                name == "sft" ? "supervised fine-tuning on the task's reference answers" : "group trainer for verifiable rewards (options defined in LanguageAlgorithms)"));
        }
        return rows;
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var rows = Rows();
        if (settings.Json)
        {
            foreach (var r in rows)
                Console.WriteLine(JsonSerializer.Serialize(new { name = r.Name, kind = r.Kind, action_spaces = r.ActionSpaces, presets = r.Presets, description = r.Description }));
            return ExitCodes.Success;
        }
        var table = new Table().AddColumns("name", "kind", "action spaces", "presets", "description");
        foreach (var r in rows)
            table.AddRow(Markup.Escape(r.Name), r.Kind, Markup.Escape(r.ActionSpaces), Markup.Escape(r.Presets.Count > 0 ? string.Join(", ", r.Presets) : "-"), Markup.Escape(r.Description));
        AnsiConsole.Write(table);
        return ExitCodes.Success;
    }
}
