using System.ComponentModel;
using System.Text.Json;
using PolicyGradient.Language.Runs;
using PolicyGradient.Language.Tasks;
using Spectre.Console;
using Spectre.Console.Cli;

namespace PolicyGradient.Cli.Commands;

/// <summary>`pg tasks`: the registered language-model tasks with an example problem, their task.* options and presets.</summary>
public sealed class TasksCommand : Command<TasksCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>JSON lines instead of a table.</summary>
        [CommandOption("--json")][Description("One JSON object per task: {\"id\",\"example_prompt\",\"example_answer\",\"max_completion_length\",\"options\",\"presets\"}.")]
        public bool Json { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var registry = TaskRegistry.CreateDefault();
        var presets = LanguagePresets.All;
        var table = new Table().AddColumns("id", "example (prompt -> answer)", "max answer", "options (--set task.KEY=V)", "presets");
        foreach (string id in registry.Ids)
        {
            var task = registry.Create(id);
            var example = task.HeldOut(1)[0];
            var options = LanguageTasks.Arguments(id).Select(k => "task." + k).ToList();
            var withPreset = presets.Where(p => p.Task == id).Select(p => p.Algorithm == LanguagePresets.AnyRl ? "rl algorithms" : p.Algorithm).ToList();
            if (settings.Json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    id, example_prompt = example.Prompt, example_answer = example.Reference, max_completion_length = task.MaxCompletionLength, options, presets = withPreset,
                }));
                continue;
            }
            table.AddRow(Markup.Escape(id), Markup.Escape($"{example.Prompt.ReplaceLineEndings(" ")} -> {example.Reference}"), task.MaxCompletionLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(options.Count > 0 ? string.Join(", ", options) : "-"), Markup.Escape(withPreset.Count > 0 ? string.Join(", ", withPreset) : "-"));
        }
        if (!settings.Json) AnsiConsole.Write(table);
        return ExitCodes.Success;
    }
}
