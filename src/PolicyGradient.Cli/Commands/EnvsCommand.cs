using System.ComponentModel;
using PolicyGradient.Environments;
using Spectre.Console;
using Spectre.Console.Cli;
using PolicyGradient.Training;

namespace PolicyGradient.Cli.Commands;

/// <summary>`pg envs`: a table of the registered environment ids, spaces and limits.</summary>
public sealed class EnvsCommand : Command<EnvsCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : Plugins.PluginSettings
    {
        /// <summary>Print JSON lines instead of a table.</summary>
        [CommandOption("--json")]
        [Description("One JSON object per environment instead of a table.")]
        public bool Json { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Plugins.PluginLoader.Load(settings.EnvAssemblies);
        var table = new Table().AddColumns("id", "observation space", "action space", "max steps", "reward threshold");
        foreach (var spec in Envs.Registered)
        {
            using var env = Envs.Make(spec.Id);
            if (settings.Json)
            {
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
                {
                    id = spec.Id,
                    observation_space = env.ObservationSpace.ToString(),
                    action_space = env.ActionSpace.ToString(),
                    max_episode_steps = spec.MaxEpisodeSteps,
                    reward_threshold = spec.RewardThreshold,
                }));
                continue;
            }
            table.AddRow(Markup.Escape(spec.Id), Markup.Escape(env.ObservationSpace.ToString()), Markup.Escape(env.ActionSpace.ToString()),
                spec.MaxEpisodeSteps?.ToString() ?? "-", spec.RewardThreshold?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-");
        }
        if (!settings.Json) AnsiConsole.Write(table);
        return ExitCodes.Success;
    }
}
