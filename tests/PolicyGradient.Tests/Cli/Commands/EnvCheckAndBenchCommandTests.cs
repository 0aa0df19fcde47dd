using System.Text.Json;
using PolicyGradient.Cli;
using PolicyGradient.Cli.Commands;
using Spectre.Console.Cli;

namespace PolicyGradient.Tests.Cli.Commands;

/// <summary>`pg env check` exit codes and the `pg bench envs --json` line format (in-process).</summary>
public sealed class EnvCheckAndBenchCommandTests
{
    /// <summary>The same configuration as Program.cs for these commands, run through CliErrors like `pg`.</summary>
    static int RunApp(params string[] args)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.Settings.StrictParsing = true;
            config.AddBranch("env", env => env.AddCommand<EnvCheckCommand>("check"));
            config.SetExceptionHandler((ex, _) => CliErrors.Report(ex));
        });
        return CliErrors.Run(() => app.Run(args));
    }

    [Fact]
    public void Env_check_exits_0_for_a_sound_env_and_2_for_an_unknown_id()
    {
        Assert.Equal(ExitCodes.Success, RunApp("env", "check", "CartPole-v1"));
        Assert.Equal(ExitCodes.BadInput, RunApp("env", "check", "CartPol-v1"));
    }

    [Fact]
    public void Bench_envs_json_prints_one_line_per_measurement_with_the_documented_keys()
    {
        var output = new StringWriter();
        int code = BenchEnvsCommand.Run(new BenchEnvsCommand.Settings { Seconds = 0.02, NumEnvs = 4, Threads = 2, Env = "CartPole-v1", Json = true }, output);
        Assert.Equal(ExitCodes.Success, code);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["single", "vector", "vector-threaded"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("mode").GetString()));
        foreach (string line in lines)
        {
            var root = JsonDocument.Parse(line).RootElement;
            Assert.Equal(["env", "mode", "num_envs", "steps_per_second"], root.EnumerateObject().Select(p => p.Name));
            Assert.Equal("CartPole-v1", root.GetProperty("env").GetString());
            Assert.True(root.GetProperty("steps_per_second").GetDouble() > 0);
        }
        Assert.StartsWith("{\"env\":\"CartPole-v1\",\"mode\":\"single\",\"num_envs\":1,\"steps_per_second\":", lines[0]);
        Assert.Equal(4, JsonDocument.Parse(lines[1]).RootElement.GetProperty("num_envs").GetInt32());
    }
}
