using System.Text.RegularExpressions;
using PolicyGradient.Tests.Training;

namespace PolicyGradient.Tests.Cli;

[CollectionDefinition("Console", DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>The real `pg` entry point, in process, with the fake algorithm registered: exit codes and outputs.</summary>
[Collection("Console")]
public class RunCommandsTests
{
    static RunCommandsTests() => TestRuns.EnsureRegistered();

    static (int Code, string Out, string Err) Pg(params string[] args) => PgInProcess.Run(args);

    static string Train(string dir, params string[] extra)
    {
        var r = Pg(["train", "fake", "CartPole-v1", "--out", dir, "--timesteps", "640", "--checkpoint-every", "128", "--quiet", .. extra]);
        Assert.True(r.Code == 0, r.Err);
        return r.Out;
    }

    [Fact]
    public void Train_eval_resume_and_plot_work_end_to_end()
    {
        string root = TestRuns.TempDir(), dir = Path.Combine(root, "run");
        string output = Train(dir);
        Assert.Contains("done: 640 steps", output);
        Assert.Contains("[fake CartPole-v1] 640/640 steps", output);

        var eval = Pg("eval", dir, "--episodes", "3", "--deterministic", "--json");
        Assert.Equal(0, eval.Code);
        Assert.Matches(new Regex(@"^\{""mean_return"":[0-9.E+-]+,""std_return"":[0-9.E+-]+,""episodes"":3\}\r?\n$"), eval.Out);

        var resume = Pg("resume", dir, "--timesteps", "960", "--quiet");
        Assert.True(resume.Code == 0, resume.Err);
        Assert.Contains("done: 960 steps", resume.Out);

        string other = Path.Combine(root, "run2");
        Train(other, "--seed", "7");
        string png = Path.Combine(root, "both.png");
        var plot = Pg("plot", dir, other, "--out", png);
        Assert.Equal(0, plot.Code);
        Assert.Equal((byte)0x89, File.ReadAllBytes(png)[0]);
    }

    [Fact]
    public void Existing_run_folder_exits_2_unless_forced()
    {
        string dir = Path.Combine(TestRuns.TempDir(), "run");
        Train(dir);
        var again = Pg("train", "fake", "CartPole-v1", "--out", dir, "--timesteps", "64", "--quiet");
        Assert.Equal(2, again.Code);
        Assert.Contains("already exists and is not empty", again.Err);
        Assert.DoesNotContain("   at ", again.Err);
        Train(dir, "--force");
    }

    [Fact]
    public void Bad_configuration_exits_2_with_every_problem_before_any_work()
    {
        string dir = Path.Combine(TestRuns.TempDir(), "run");
        var r = Pg("train", "fake", "CartPole-v1", "--out", dir, "--set", "n_step=3", "--set", "gamma=7", "--quiet");
        Assert.Equal(2, r.Code);
        Assert.Contains("n_step: unknown key (from --set); did you mean 'n_steps'?", r.Err);
        Assert.Contains("gamma: 7.0 is out of range; expected >= 0 and <= 1", r.Err);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Corrupt_checkpoint_exits_2_naming_the_problem()
    {
        string dir = Path.Combine(TestRuns.TempDir(), "run");
        Train(dir);
        string model = Path.Combine(dir, "checkpoints", "final", "model.safetensors");
        var bytes = File.ReadAllBytes(model); bytes[^1] ^= 1; File.WriteAllBytes(model, bytes);
        var r = Pg("eval", Path.Combine(dir, "checkpoints", "final"), "--json");
        Assert.Equal(2, r.Code);
        Assert.Contains("model.safetensors checksum mismatch", r.Err);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public void Divergence_exits_1_with_the_metric_and_step()
    {
        var r = Pg("train", "fake", "CartPole-v1", "--out", Path.Combine(TestRuns.TempDir(), "run"), "--timesteps", "640", "--set", "nan_at_update=3", "--quiet");
        Assert.Equal(1, r.Code);
        Assert.Contains("pg: run failed: fake on CartPole-v1 diverged: metric 'policy_loss' is NaN at timestep 96", r.Err);
    }
}
