using System.Globalization;
using System.Text.Json;
using PolicyGradient.Cli;
using PolicyGradient.Cli.Commands;
using PolicyGradient.Environments;
using Spectre.Console.Cli;

namespace PolicyGradient.Tests.Cli.Commands;

/// <summary>`pg env rollout`: JSON-lines format, episode end, float round-trip, and exit codes (in-process).</summary>
public sealed class EnvRolloutCommandTests
{
    static string[] RunJson(string id, long seed, string actions)
    {
        var output = new StringWriter();
        int code = EnvRolloutCommand.Run(new EnvRolloutCommand.Settings { EnvId = id, Seed = seed, Actions = actions, Json = true }, output);
        Assert.Equal(ExitCodes.Success, code);
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    static float[] Obs(JsonElement line) =>
        line.GetProperty("obs").EnumerateArray().Select(e => float.Parse(e.GetRawText(), CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The same app configuration as Program.cs for the `env` branch, run through CliErrors like `pg`.</summary>
    static int RunApp(params string[] args)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.Settings.StrictParsing = true;
            config.AddBranch("env", env => env.AddCommand<EnvRolloutCommand>("rollout"));
            config.SetExceptionHandler((ex, _) => CliErrors.Report(ex));
        });
        return CliErrors.Run(() => app.Run(args));
    }

    [Fact]
    public void JsonLinesReproduceTheEnvExactly()
    {
        string[] lines = RunJson("Acrobot-v1", 11, "0,1,2,2,0");
        Assert.Equal(6, lines.Length);
        using var env = Envs.Make("Acrobot-v1");
        var first = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal(["obs"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal(env.Reset(seed: 11).Observation, Obs(first));
        int[] actions = [0, 1, 2, 2, 0];
        for (int t = 0; t < actions.Length; t++)
        {
            var line = JsonDocument.Parse(lines[t + 1]).RootElement;
            Assert.Equal(["obs", "reward", "terminated", "truncated"], line.EnumerateObject().Select(p => p.Name));
            var step = env.Step(actions[t]);
            Assert.Equal(step.Observation, Obs(line)); // float32 values round-trip exactly
            Assert.Equal(step.Reward, line.GetProperty("reward").GetDouble());
            Assert.Equal(step.Terminated, line.GetProperty("terminated").GetBoolean());
            Assert.Equal(step.Truncated, line.GetProperty("truncated").GetBoolean());
        }
    }

    [Fact]
    public void ContinuousActionsAreSemicolonSeparatedAndMayLieOutsideTheBox()
    {
        string[] lines = RunJson("MountainCarContinuous-v0", 3, "0.25,-7.5,1");
        Assert.Equal(4, lines.Length);
        var second = JsonDocument.Parse(lines[2]).RootElement;
        Assert.Equal(-(7.5 * 7.5) * 0.1, second.GetProperty("reward").GetDouble()); // unclipped action in the cost
    }

    [Fact]
    public void StopsAfterTheStepThatTruncates()
    {
        string actions = string.Join(',', Enumerable.Repeat("1", 230));
        string[] lines = RunJson("MountainCar-v0", 0, actions); // idling never reaches the flag
        Assert.Equal(1 + 200, lines.Length);
        var last = JsonDocument.Parse(lines[^1]).RootElement;
        Assert.True(last.GetProperty("truncated").GetBoolean());
        Assert.False(last.GetProperty("terminated").GetBoolean());
    }

    [Fact]
    public void StopsAfterTheStepThatTerminates()
    {
        string[] lines = RunJson("CartPole-v1", 0, string.Join(',', Enumerable.Repeat("1", 100))); // always push right: falls
        Assert.InRange(lines.Length, 3, 100);
        Assert.True(JsonDocument.Parse(lines[^1]).RootElement.GetProperty("terminated").GetBoolean());
        Assert.All(lines[1..^1], l => Assert.False(JsonDocument.Parse(l).RootElement.GetProperty("terminated").GetBoolean()));
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(1.0000001f)]
    [InlineData(-3.4028235e38f)]
    [InlineData(1e-45f)]
    [InlineData(0.00027159552f)]
    public void FloatsArePrintedShortestAndRoundTrip(float v)
    {
        string text = EnvRolloutCommand.FloatArray([v]);
        float back = float.Parse(text.Trim('[', ']'), CultureInfo.InvariantCulture);
        Assert.Equal(BitConverter.SingleToInt32Bits(v), BitConverter.SingleToInt32Bits(back));
        // also through float64 (how Python's json reads it before np.float32)
        Assert.Equal(v, (float)double.Parse(text.Trim('[', ']'), CultureInfo.InvariantCulture));
    }

    [Fact]
    public void SuccessfulRunExitsZero() =>
        Assert.Equal(0, RunApp("env", "rollout", "Pendulum-v1", "--seed", "1", "--actions", "0.5,-2", "--json"));

    [Theory]
    [InlineData("env", "rollout", "CartPol-v1", "--seed", "1", "--actions", "0")]          // unknown id
    [InlineData("env", "rollout", "CartPole-v1", "--actions", "0,1")]                      // missing --seed
    [InlineData("env", "rollout", "CartPole-v1", "--seed", "1")]                           // missing --actions
    [InlineData("env", "rollout", "CartPole-v1", "--seed", "1", "--actions", "0,2")]       // outside Discrete(2)
    [InlineData("env", "rollout", "CartPole-v1", "--seed", "1", "--actions", "0,x")]       // not an integer
    [InlineData("env", "rollout", "CartPole-v1", "--seed", "1", "--actions", "0.5")]       // not an integer
    [InlineData("env", "rollout", "Pendulum-v1", "--seed", "1", "--actions", "0.5,1;2")]   // wrong dimension
    [InlineData("env", "rollout", "Pendulum-v1", "--seed", "1", "--actions", "abc")]       // not a number
    [InlineData("env", "rollout", "Pendulum-v1", "--seed", "x", "--actions", "0")]         // bad seed
    [InlineData("env", "rollout", "Pendulum-v1", "--seed", "1", "--actions", "")]          // empty
    public void BadInputExitsTwo(params string[] args) => Assert.Equal(2, RunApp(args));

    [Fact]
    public void UnknownIdMessageSuggestsTheClosestIds()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() =>
            EnvRolloutCommand.Run(new EnvRolloutCommand.Settings { EnvId = "Pendulum-v2", Seed = 1, Actions = "0" }, new StringWriter()));
        Assert.Contains("'Pendulum-v1'", ex.Message);
    }

    [Fact]
    public void BadActionMessageNamesTheSpace()
    {
        var ex = Assert.Throws<UsageException>(() =>
            EnvRolloutCommand.Run(new EnvRolloutCommand.Settings { EnvId = "Acrobot-v1", Seed = 1, Actions = "1,3" }, new StringWriter()));
        Assert.Contains("Discrete(3)", ex.Message);
        Assert.Contains("action 2", ex.Message);
    }

    [Fact]
    public void TableOutputHasOneRowPerStep()
    {
        var output = new StringWriter();
        EnvRolloutCommand.Run(new EnvRolloutCommand.Settings { EnvId = "CartPole-v1", Seed = 2, Actions = "0,1" }, output);
        string text = output.ToString();
        Assert.Contains("reset", text);
        Assert.Contains("terminated", text);
        Assert.DoesNotContain("{\"obs\"", text);
    }
}
