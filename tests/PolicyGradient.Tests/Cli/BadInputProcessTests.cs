using PolicyGradient.Tests.Training;

namespace PolicyGradient.Tests.Cli;

/// <summary>
/// Bad input to the real `pg` process: one line on stderr naming the problem, exit 2, never a stack
/// trace, and nothing left on disk. Several inputs per test (each start of pg costs about a second).
/// </summary>
public class BadInputProcessTests
{
    static void AssertOneLine(int expectedCode, (int Code, string Out, string Err) r, string expected)
    {
        Assert.True(r.Code == expectedCode, $"exit {r.Code}: {r.Err}");
        Assert.Contains(expected, r.Err);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.DoesNotContain("internal error", r.Err);
        Assert.DoesNotContain("Nullable", r.Err);
        Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Paths_below_a_file_and_malformed_yaml_give_one_line_and_exit_2()
    {
        string dir = TestRuns.TempDir();
        File.WriteAllText(Path.Combine(dir, "README.md"), "a file");
        var below = PgProcess.Run(dir, ["train", "ppo", "CartPole-v1", "--out", "README.md/run"]);
        AssertOneLine(2, below, "README.md is a file, not a folder");

        File.WriteAllText(Path.Combine(dir, "bad.yaml"), "n_steps: [64\ngamma: 0.9\n");
        var yaml = PgProcess.Run(dir, ["train", "ppo", "CartPole-v1", "--config", "bad.yaml", "--out", "run"]);
        AssertOneLine(2, yaml, "--config bad.yaml: not valid YAML");

        var proc = PgProcess.Run(dir, ["train", "ppo", "CartPole-v1", "--out", "/proc/pg-test-run"]);
        AssertOneLine(2, proc, "cannot create run folder /proc/pg-test-run");
        Assert.False(Directory.Exists(Path.Combine(dir, "run")));
    }

    [Fact]
    public void Bad_option_values_name_the_option_and_the_expected_form()
    {
        AssertOneLine(2, PgProcess.Run("train", "ppo", "CartPole-v1", "--timesteps", "lots"), "--timesteps: 'lots' is not a whole number (e.g. 100000");
        AssertOneLine(2, PgProcess.Run("train", "ppo", "CartPole-v1", "--seed=abc"), "--seed: 'abc' is not an integer");
        AssertOneLine(2, PgProcess.Run("resume", "somewhere", "--threads", "x"), "--threads: 'x' is not a whole number");
        AssertOneLine(2, PgProcess.Run("eval", "somewhere", "--temperature", "hot"), "--temperature: 'hot' is not a number");
        AssertOneLine(2, PgProcess.Run("bench", "envs", "--num-envs", "many"), "--num-envs: 'many' is not a whole number");
        AssertOneLine(2, PgProcess.Run("train", "ppo", "CartPole-v1", "--timesteps"), "--timesteps: a value is missing; expected a whole number");
        AssertOneLine(2, PgProcess.Run("train", "ppo", "CartPole-v1", "--timestep", "5"), "unknown option '--timestep'; did you mean '--timesteps'?");
    }

    [Fact]
    public void Unknown_command_suggests_the_closest_and_version_prints_the_assembly_version()
    {
        AssertOneLine(2, PgProcess.Run("trian"), "unknown command 'trian'; did you mean 'train'?");
        var version = PgProcess.Run("--version");
        Assert.Equal(0, version.Code);
        Assert.Equal(PolicyGradient.Cli.PgApp.Version, version.Out.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Out);
    }

    [Fact]
    public void Algos_tasks_and_train_help_list_every_registered_algorithm_and_task()
    {
        var algos = PgProcess.Run("algos", "--json");
        Assert.Equal(0, algos.Code);
        var rows = algos.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        // The test process may have registered the fake algorithm; the pg process has the built-ins only.
        var classic = PolicyGradient.Algorithms.AlgorithmRegistry.All.Select(d => d.Name).Where(n => n != FakeAlgorithm.RegisteredName).ToList();
        var language = new[] { "sft" }.Concat(PolicyGradient.Language.Training.LanguageAlgorithms.Names).ToList();
        Assert.Equal(classic.Concat(language), rows.Select(r => r.GetProperty("name").GetString()));
        Assert.All(rows.Take(classic.Count), r => Assert.Equal("classic", r.GetProperty("kind").GetString()));
        Assert.All(rows.Skip(classic.Count), r => Assert.Equal("language", r.GetProperty("kind").GetString()));
        Assert.Contains("CartPole-v1", rows[classic.IndexOf("ppo")].GetProperty("presets").EnumerateArray().Select(e => e.GetString()));

        var tasks = PgProcess.Run("tasks", "--json");
        Assert.Equal(0, tasks.Code);
        Assert.Equal(PolicyGradient.Language.Tasks.TaskRegistry.CreateDefault().Ids,
            tasks.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()));

        var help = PgProcess.Run("train", "--help");
        Assert.Equal(0, help.Code);
        foreach (string name in classic.Concat(language)) Assert.Contains(name, help.Out);
    }
}
