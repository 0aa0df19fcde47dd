using System.ComponentModel;
using System.Globalization;
using System.Text;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Spaces;
using Spectre.Console;
using PolicyGradient.Cli.Options;
using Spectre.Console.Cli;
using PolicyGradient.Training;

namespace PolicyGradient.Cli.Commands;

/// <summary>
/// `pg env rollout &lt;env-id&gt; --seed S --actions a1,a2,... [--json]`: resets the env (made with
/// its registered time limit) with the seed and applies the given actions, stopping after the step
/// that ends the episode. With --json: one object per line, first <c>{"obs":[...]}</c> from reset, then
/// <c>{"obs":[...],"reward":r,"terminated":b,"truncated":b}</c> per step; numbers are printed with the
/// shortest text that round-trips (float32 for observations, float64 for rewards).
/// </summary>
public sealed class EnvRolloutCommand : Command<EnvRolloutCommand.Settings>
{
    /// <summary>Arguments and options.</summary>
    public sealed class Settings : Plugins.PluginSettings
    {
        /// <summary>Registered environment id.</summary>
        [CommandArgument(0, "<env-id>")]
        [Description("Registered environment id, e.g. CartPole-v1 (see `pg envs`).")]
        public string EnvId { get; init; } = "";

        /// <summary>Seed for reset.</summary>
        [CommandOption("--seed <S>")]
        [Description("Seed passed to reset (required).")]
        [TypeConverter(typeof(IntegerConverter<long>))]
        public long? Seed { get; init; }

        /// <summary>Comma-separated actions.</summary>
        [CommandOption("--actions <LIST>")]
        [Description("Comma-separated actions: integers for discrete spaces, `v1;v2;...` per action for continuous ones.")]
        public string? Actions { get; init; }

        /// <summary>JSON lines output.</summary>
        [CommandOption("--json")]
        [Description("One JSON object per line (reset, then each step) instead of a table.")]
        public bool Json { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Plugins.PluginLoader.Load(settings.EnvAssemblies);
        return Run(settings, Console.Out);
    }

    /// <summary>Runs the rollout, writing JSON lines (or a table) to <paramref name="output"/>.</summary>
    /// <exception cref="UsageException">Missing seed/actions or malformed actions.</exception>
    internal static int Run(Settings settings, TextWriter output)
    {
        if (settings.Seed is not long seed) throw new UsageException("`pg env rollout` needs --seed S (an integer seed for reset)");
        if (settings.Actions is null) throw new UsageException("`pg env rollout` needs --actions a1,a2,... (e.g. --actions 0,1,1 or, for continuous actions, --actions 0.5;-1,0.2;0)");
        using IEnv env = Envs.Make(settings.EnvId);
        float[][] actions = ParseActions(settings.Actions, env.ActionSpace);

        var obs = new float[env.ObservationSpace.FlatSize];
        env.Reset(obs, seed);
        Table? table = settings.Json ? null : new Table().AddColumns("step", "action", "observation", "reward", "terminated", "truncated");
        if (table is null) output.WriteLine($"{{\"obs\":{FloatArray(obs)}}}");
        else table.AddRow("reset", "", Readable(obs), "", "", "");

        for (int t = 0; t < actions.Length; t++)
        {
            var r = env.Step(actions[t], obs);
            if (table is null)
                output.WriteLine($"{{\"obs\":{FloatArray(obs)},\"reward\":{Number(r.Reward)},\"terminated\":{Bool(r.Terminated)},\"truncated\":{Bool(r.Truncated)}}}");
            else
                table.AddRow((t + 1).ToString(CultureInfo.InvariantCulture), string.Join(";", actions[t].Select(Number)), Readable(obs),
                    Number(r.Reward), Bool(r.Terminated), Bool(r.Truncated));
            if (r.Done) break;
        }
        if (table is not null)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
            console.Write(table);
        }
        return ExitCodes.Success;
    }

    /// <summary>Parses "a1,a2,..." for the action space; every action is checked before anything runs.</summary>
    internal static float[][] ParseActions(string text, Space space)
    {
        string[] items = text.Split(',', StringSplitOptions.TrimEntries);
        if (items.Length == 1 && items[0].Length == 0) throw new UsageException("--actions is empty; give at least one action, e.g. --actions 0,1");
        var actions = new float[items.Length][];
        for (int i = 0; i < items.Length; i++)
        {
            string item = items[i];
            if (space is Discrete d)
            {
                if (!long.TryParse(item, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long a))
                    throw new UsageException($"action {i + 1} '{item}' is not an integer; the action space {d} takes integers in [{d.Start}, {d.Start + d.N - 1}]");
                if (!d.Contains(a))
                    throw new UsageException($"action {i + 1} = {a} is outside the action space {d}; give integers in [{d.Start}, {d.Start + d.N - 1}]");
                actions[i] = [a];
            }
            else if (space is Box box)
            {
                string[] parts = item.Split(';', StringSplitOptions.TrimEntries);
                if (parts.Length != box.FlatSize)
                    throw new UsageException($"action {i + 1} '{item}' has {parts.Length} value(s), but the action space {box} takes {box.FlatSize}; write each action as v1;v2;...");
                var a = new float[parts.Length];
                for (int j = 0; j < parts.Length; j++)
                {
                    // Parsed as float64 then narrowed, as NumPy does for np.array([float(s)], dtype=np.float32).
                    if (!double.TryParse(parts[j], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                        throw new UsageException($"action {i + 1}: '{parts[j]}' is not a finite number (use '.' as the decimal point)");
                    a[j] = (float)v;
                }
                actions[i] = a;
            }
            else
            {
                throw new UsageException($"`pg env rollout` supports Discrete and Box action spaces; this env has {space}");
            }
        }
        return actions;
    }

    /// <summary>A float32 vector as a JSON array, each value the shortest text that parses back to the same float32.</summary>
    internal static string FloatArray(ReadOnlySpan<float> values)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(Number(values[i]));
        }
        return sb.Append(']').ToString();
    }

    // Table cell: spaces after commas so the terminal can wrap between values.
    static string Readable(float[] values) => Markup.Escape("[" + string.Join(", ", values.Select(Number)) + "]");

    // Shortest round-trip text ("R" in .NET Core 3.0+); non-finite values as Python's json writes them.
    static string Number(float v) => float.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : NonFinite(v);

    static string Number(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : NonFinite(v);

    static string NonFinite(double v) => double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";

    static string Bool(bool b) => b ? "true" : "false";
}
