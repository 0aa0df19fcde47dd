using System.Text.Json;
using PolicyGradient.Tests.Training;

namespace PolicyGradient.Tests.Cli;

/// <summary>
/// `--env-assembly`: the plug-ins of tests/Plugins (MyEnvs is the one docs/custom-environments.md
/// shows) loaded by the real `pg` process for train, eval, resume, envs, env check/rollout and a
/// language task, and every load failure as one line with exit code 2.
/// </summary>
public class PluginTests
{
    static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "plugins", name);

    /// <summary>A private copy of a fixture plug-in folder (so a test can move or strip it).</summary>
    static string CopyOf(string name, string root)
    {
        string dir = Path.Combine(root, name);
        Directory.CreateDirectory(dir);
        foreach (string f in Directory.GetFiles(Fixture(name))) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        return dir;
    }

    static string[] Quick => ["--quiet", "--set", "n_envs=2", "--set", "n_steps=64", "--set", "batch_size=64", "--set", "n_epochs=1"];

    [Fact]
    public void Train_eval_and_resume_a_plugin_environment_recording_the_plugin_in_the_run()
    {
        string root = TestRuns.TempDir();
        string dll = Path.Combine(CopyOf("MyEnvs", root), "MyEnvs.dll");
        string run = Path.Combine(root, "run");

        var train = PgProcess.Run(root, ["train", "ppo", "Thermostat-v0", "--env-assembly", dll, "--timesteps", "512", "--checkpoint-every", "256", "--out", run, .. Quick]);
        Assert.True(train.Code == 0, train.Err);
        string config = File.ReadAllText(Path.Combine(run, "config.yaml"));
        Assert.Contains("env_id: Thermostat-v0", config);
        Assert.Contains($"env_assemblies: [{JsonSerializer.Serialize(dll)}]", config);

        // eval and resume find the plug-in through config.yaml, without the flag.
        var eval = PgProcess.Run(root, ["eval", run, "--episodes", "2", "--json"]);
        Assert.True(eval.Code == 0, eval.Err);
        using (var json = JsonDocument.Parse(eval.Out))
        {
            double mean = json.RootElement.GetProperty("mean_return").GetDouble();
            Assert.True(mean < 0 && mean > -200 * 60, $"Thermostat-v0 returns are negative costs over 200 steps, got {mean}");
        }
        var resume = PgProcess.Run(root, ["resume", run, "--timesteps", "1024", "--quiet"]);
        Assert.True(resume.Code == 0, resume.Err);
        Assert.Contains("1,024 steps", resume.Out);
        Assert.True(PgProcess.Run(root, ["eval", Path.Combine(run, "checkpoints", "final"), "--episodes", "1"]).Code == 0);

        // The plug-in moved: a clear error, and the flag still works.
        string moved = Path.Combine(root, "moved");
        Directory.Move(Path.GetDirectoryName(dll)!, moved);
        var lost = PgProcess.Run(root, ["eval", run, "--episodes", "1"]);
        Assert.Equal(2, lost.Code);
        Assert.Contains("no longer exists", lost.Err);
        Assert.Contains("--env-assembly", lost.Err);
        var found = PgProcess.Run(root, ["eval", run, "--episodes", "1", "--env-assembly", Path.Combine(moved, "MyEnvs.dll")]);
        Assert.True(found.Code == 0, found.Err);
    }

    [Fact]
    public void Env_commands_see_the_plugin_environment()
    {
        string dll = Path.Combine(Fixture("MyEnvs"), "MyEnvs.dll");
        var envs = PgProcess.Run(["envs", "--json", "--env-assembly", dll]);
        Assert.True(envs.Code == 0, envs.Err);
        Assert.Contains("\"id\":\"Thermostat-v0\"", envs.Out);
        Assert.Contains("\"action_space\":\"Discrete(3)\"", envs.Out);

        var check = PgProcess.Run(["env", "check", "Thermostat-v0", "--env-assembly", dll]);
        Assert.True(check.Code == 0, check.Out + check.Err);
        Assert.Contains("passed", check.Out);

        var rollout = PgProcess.Run(["env", "rollout", "Thermostat-v0", "--seed", "0", "--actions", "0,1,2", "--json", "--env-assembly", dll]);
        Assert.True(rollout.Code == 0, rollout.Err);
        var lines = rollout.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);                      // reset + 3 steps
        using var step = JsonDocument.Parse(lines[1]);
        Assert.True(step.RootElement.GetProperty("reward").GetDouble() < 0);
        Assert.False(step.RootElement.GetProperty("terminated").GetBoolean());

        var bench = PgProcess.Run(["bench", "envs", "--env", "Thermostat-v0", "--seconds", "0.05", "--json", "--env-assembly", dll]);
        Assert.True(bench.Code == 0, bench.Err);
        Assert.Contains("\"env\":\"Thermostat-v0\"", bench.Out);
    }

    [Fact]
    public void A_plugin_language_task_trains_with_grpo_and_evaluates_from_the_run()
    {
        string root = TestRuns.TempDir();
        string dll = Path.Combine(CopyOf("ParityTask", root), "ParityTask.dll");
        string run = Path.Combine(root, "grpo");
        var train = PgProcess.Run(root, ["train", "grpo", "Parity-v0", "--env-assembly", dll, "--steps", "2", "--out", run, "--quiet",
            "--set", "prompts_per_step=2", "--set", "group_size=2", "--set", "model.layers=1", "--set", "model.width=16",
            "--set", "model.heads=2", "--set", "eval_problems=10"]);
        Assert.True(train.Code == 0, train.Err);
        Assert.Contains("env_assemblies:", File.ReadAllText(Path.Combine(run, "config.yaml")));
        var eval = PgProcess.Run(root, ["eval", run, "--problems", "10", "--json"]);
        Assert.True(eval.Code == 0, eval.Err);
        Assert.Contains("\"accuracy\":", eval.Out);
        var unknown = PgProcess.Run(root, ["train", "grpo", "Parity-v0", "--steps", "1", "--out", Path.Combine(root, "x")]);
        Assert.Equal(2, unknown.Code);                      // without the plug-in the task is unknown
        Assert.Contains("Parity-v0", unknown.Err);
    }

    [Fact]
    public void Load_failures_are_one_line_with_exit_code_2()
    {
        string root = TestRuns.TempDir();
        string myEnvs = Path.Combine(Fixture("MyEnvs"), "MyEnvs.dll");

        void Fails(string[] args, params string[] expected)
        {
            var r = PgProcess.Run(root, args);
            Assert.True(r.Code == 2, $"exit {r.Code}: {r.Err}");
            Assert.DoesNotContain("   at ", r.Err);         // no stack trace
            foreach (string e in expected) Assert.Contains(e, r.Err);
        }

        Fails(["envs", "--env-assembly", Path.Combine(root, "Missing.dll")], "Missing.dll", "no such file");
        Fails(["envs", "--env-assembly", Path.Combine(Fixture("MyEnvs"), "MyEnvs.deps.json")], "not a .NET assembly");
        Fails(["envs", "--env-assembly", Path.Combine(AppContext.BaseDirectory, "xunit.core.dll")], "IPlugin");
        Fails(["envs", "--env-assembly", Path.Combine(Fixture("ParityTask"), "ParityRules.dll")], "EmptyPlugin.Register()", "registered no environment");
        // The plug-in without its dependency (ParityRules.dll) beside it: the message names the dependency.
        string stripped = CopyOf("ParityTask", root);
        File.Delete(Path.Combine(stripped, "ParityRules.dll"));
        Fails(["envs", "--env-assembly", Path.Combine(stripped, "ParityTask.dll")], "dependency 'ParityRules", "not found");
        // Loaded, but the id is still unknown: the closest ids, the plug-in's among them.
        Fails(["train", "ppo", "Thermostat-v1", "--env-assembly", myEnvs, "--timesteps", "64", "--out", Path.Combine(root, "r")], "'Thermostat-v0'");
        Assert.False(Directory.Exists(Path.Combine(root, "r")));
    }
}
