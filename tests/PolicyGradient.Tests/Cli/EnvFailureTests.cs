using PolicyGradient.Environments;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Tests.Training;

namespace PolicyGradient.Tests.Cli;

/// <summary>A user env that breaks during `pg train`: the run stops at that step with exit code 1 and a message naming the env.</summary>
[Collection("Console")]
public class EnvFailureTests
{
    /// <summary>CartPole-like env whose observation turns NaN at a fixed global step.</summary>
    sealed class NanAfter(int failAtStep) : Env
    {
        static readonly Box Obs = new(-10f, 10f, 4);
        static readonly Discrete Act = new(2);
        int _global, _t;
        public override Space ObservationSpace => Obs;
        public override Space ActionSpace => Act;
        protected override IReadOnlyDictionary<string, object>? ResetCore(Span<float> o) { _t = 0; o.Clear(); return null; }
        protected override StepResult StepCore(ReadOnlySpan<float> a, Span<float> o)
        {
            _global++; _t++;
            o.Fill(_global >= failAtStep ? float.NaN : 0.1f);
            return new StepResult(1.0, _t >= 20, false);
        }
        protected override void SaveCore(BinaryWriter w) { w.Write(_global); w.Write(_t); }
        protected override void LoadCore(BinaryReader r) { _global = r.ReadInt32(); _t = r.ReadInt32(); }
    }

    [Fact]
    public void Nan_observation_from_a_user_env_stops_ppo_with_exit_code_1_naming_the_env()
    {
        Envs.Register(new EnvSpec("TestNanEnv-v0", _ => new NanAfter(300), MaxEpisodeSteps: 50));
        string dir = Path.Combine(TestRuns.TempDir(), "run");
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o); Console.SetError(e);
        int code;
        try
        {
            var entry = typeof(PolicyGradient.Cli.CliErrors).Assembly.EntryPoint!;
            code = (int)entry.Invoke(null, [new[] { "train", "ppo", "TestNanEnv-v0", "--out", dir, "--timesteps", "2000",
                "--set", "n_envs=1", "--set", "n_steps=64", "--set", "batch_size=32", "--quiet" }])!;
        }
        finally
        {
            Console.SetOut(oldOut); Console.SetError(oldErr);
            Envs.Unregister("TestNanEnv-v0");   // other tests check every registered env
        }

        Assert.Equal(1, code);
        string err = e.ToString();
        Assert.Contains("TestNanEnv-v0", err);
        Assert.Contains("NaN", err);
        Assert.DoesNotContain("   at ", err);             // a message, not a stack trace
        Assert.True(File.Exists(Path.Combine(dir, "config.yaml")), "the run folder is kept");
        Assert.True(File.Exists(Path.Combine(dir, "progress.csv")));
    }
}
