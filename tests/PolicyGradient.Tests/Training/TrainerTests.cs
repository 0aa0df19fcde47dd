using System.Security.Cryptography;
using PolicyGradient.Algorithms;
using PolicyGradient.Training;
using PolicyGradient.Training.Checkpoints;
using PolicyGradient.Training.Configuration;
using PolicyGradient.Core;

namespace PolicyGradient.Tests.Training;

public class TrainerTests
{
    static TrainerTests() => TestRuns.EnsureRegistered();

    static ResolvedConfig Config(params string[] set) =>
        ConfigResolver.Resolve(FakeAlgorithm.RegisteredName, "CartPole-v1", null, ["n_timesteps=640", "checkpoint_every=128", "keep_checkpoints=2", .. set]);

    static readonly TrainingSession Quiet = new() { TensorBoard = false, Plot = false };

    /// <summary>Throws at a chosen update, like a process killed between two updates.</summary>
    sealed class KillAt(int update) : ITrainingCallback
    {
        public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics) =>
            metrics.Updates == update ? throw new OperationCanceledException("simulated kill") : true;
    }

    static string Sha(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));

    [Fact]
    public void A_run_folder_has_config_progress_events_checkpoints_and_a_learning_curve()
    {
        string dir = RunFolder.Create(Path.Combine(TestRuns.TempDir(), "run"), force: false);
        var warnings = new List<string>();
        var result = Trainer.Train(Config(), dir, new TrainingSession { Warn = warnings.Add });
        Assert.True(warnings.Count == 0, string.Join("\n", warnings));
        Assert.Equal(640, result.Timesteps);
        Assert.Equal(20, result.Updates);      // 2 envs × 16 steps per update
        Assert.True(File.Exists(Path.Combine(dir, "config.yaml")));
        Assert.Equal(1 + 20, File.ReadAllLines(Path.Combine(dir, "progress.csv")).Length);
        string events = Assert.Single(Directory.GetFiles(dir, "events.out.tfevents.*"));
        string eventText = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(events));
        Assert.Contains("brain.Event:2", eventText);          // TensorBoard's file-version record
        Assert.Contains("train/policy_loss", eventText);
        Assert.Contains("rollout/episode_return_mean", eventText);
        Assert.Equal(["final", "step-512", "step-640"], Directory.GetDirectories(Path.Combine(dir, "checkpoints")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        byte[] png = File.ReadAllBytes(Path.Combine(dir, "learning-curve.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.True(png.Length > 5000);
    }

    [Fact]
    public void Config_yaml_reproduces_the_resolved_configuration()
    {
        var c = Config("policy.net_arch=[32,8]", "learning_rate=lin_0.002", "env_kwargs.foo=1");
        string dir = TestRuns.TempDir();
        File.WriteAllText(Path.Combine(dir, "config.yaml"), c.ToYaml());
        var back = ConfigResolver.FromRunConfig(Path.Combine(dir, "config.yaml"));
        Assert.Equal(c.Entries, back.Entries);
        Assert.Equal(c.Hash, back.Hash);
        Assert.Contains("policy:\n  net_arch: [32, 8]\n", c.ToYaml());
        Assert.Contains("learning_rate: lin_0.002\n", c.ToYaml());
        // And through --config on a fresh train command line.
        var again = ConfigResolver.Resolve(FakeAlgorithm.RegisteredName, "CartPole-v1", Path.Combine(dir, "config.yaml"), []);
        Assert.Equal(c.Hash, again.Hash);
    }

    [Fact]
    public void Config_file_for_another_algorithm_is_rejected()
    {
        string file = Path.Combine(TestRuns.TempDir(), "c.yaml");
        File.WriteAllText(file, "algorithm: ppo\nenv_id: CartPole-v1\n");
        var e = Assert.Throws<ConfigurationException>(() => ConfigResolver.Resolve(FakeAlgorithm.RegisteredName, "CartPole-v1", file, []));
        Assert.Contains("algorithm: the config file is for 'ppo' but the command line says 'fake'", e.Message);
    }

    [Fact]
    public void An_existing_non_empty_run_folder_is_never_overwritten_silently()
    {
        string dir = TestRuns.TempDir();
        File.WriteAllText(Path.Combine(dir, "keep.txt"), "precious");
        var e = Assert.Throws<ArgumentException>(() => RunFolder.Create(dir, force: false));
        Assert.Contains("already exists and is not empty", e.Message);
        Assert.True(File.Exists(Path.Combine(dir, "keep.txt")));
        RunFolder.Create(dir, force: true);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }

    [Fact]
    public void Divergence_stops_the_run_names_metric_and_step_and_keeps_the_last_good_checkpoint()
    {
        string dir = RunFolder.Create(Path.Combine(TestRuns.TempDir(), "run"), false);
        var e = Assert.Throws<TrainingDivergedException>(() => Trainer.Train(Config("nan_at_update=10"), dir, Quiet));
        Assert.Contains("metric 'policy_loss' is NaN at timestep 320 (update 10)", e.Message);
        var left = Directory.GetDirectories(Path.Combine(dir, "checkpoints")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["step-128", "step-256"], left);   // nothing written at or after the NaN
        Assert.Equal(10 + 1, File.ReadAllLines(Path.Combine(dir, "progress.csv")).Length);
    }

    [Fact]
    public void Killed_and_resumed_run_ends_with_the_same_weights_and_progress_as_one_that_never_stopped()
    {
        string straight = RunFolder.Create(Path.Combine(TestRuns.TempDir(), "a"), false);
        Trainer.Train(Config(), straight, Quiet);

        string killed = RunFolder.Create(Path.Combine(TestRuns.TempDir(), "b"), false);
        Assert.Throws<OperationCanceledException>(() => Trainer.Train(Config(), killed, Quiet with { Callbacks = [new KillAt(13)] }));
        File.AppendAllText(Path.Combine(killed, "progress.csv"), "999,14,1.0,");   // torn row
        Directory.CreateDirectory(Path.Combine(killed, "checkpoints", ".tmp-step-448-1-dead"));   // interrupted write
        var result = Trainer.Resume(killed, null, Quiet);
        Assert.Equal(640, result.Timesteps);

        Assert.Equal(Sha(Path.Combine(straight, "checkpoints", "final", "model.safetensors")),
                     Sha(Path.Combine(killed, "checkpoints", "final", "model.safetensors")));
        Assert.Equal(Sha(Path.Combine(straight, "checkpoints", "final", "env-state.bin")),
                     Sha(Path.Combine(killed, "checkpoints", "final", "env-state.bin")));
        // Same rows (wall time and SPS aside): no torn, missing or duplicated rows.
        static string[] Rows(string run) => File.ReadAllLines(Path.Combine(run, "progress.csv"))
            .Select(l => { var c = l.Split(','); c[2] = ""; c[Array.IndexOf(ProgressCsvCallback_Columns, "sps")] = ""; return string.Join(',', c); }).ToArray();
        Assert.Equal(Rows(straight), Rows(killed));
    }

    static readonly string[] ProgressCsvCallback_Columns = PolicyGradient.Training.Callbacks.ProgressCsvCallback.StandardColumns;

    [Fact]
    public void Resume_extends_a_finished_run_with_more_timesteps()
    {
        string dir = RunFolder.Create(Path.Combine(TestRuns.TempDir(), "run"), false);
        Trainer.Train(Config(), dir, Quiet);
        var e = Assert.Throws<ArgumentException>(() => Trainer.Resume(dir, null, Quiet));
        Assert.Contains("already reached 640 timesteps", e.Message);
        var more = Trainer.Resume(dir, 960, Quiet);
        Assert.Equal(960, more.Timesteps);
        Assert.Contains("n_timesteps: 960", File.ReadAllText(Path.Combine(dir, "config.yaml")));
        Assert.Equal(1 + 30, File.ReadAllLines(Path.Combine(dir, "progress.csv")).Length);
    }

    [Fact]
    public void Resume_without_a_checkpoint_says_so()
    {
        string dir = RunFolder.Create(Path.Combine(TestRuns.TempDir(), "run"), false);
        Assert.Throws<OperationCanceledException>(() => Trainer.Train(Config(), dir, Quiet with { Callbacks = [new KillAt(2)] }));
        var e = Assert.Throws<CheckpointException>(() => Trainer.Resume(dir, null, Quiet));
        Assert.Contains("no complete checkpoint to resume from", e.Message);
    }

    [Fact]
    public void Evaluation_and_reward_threshold_callbacks_run_and_stop_training()
    {
        string dir = RunFolder.Create(Path.Combine(TestRuns.TempDir(), "run"), false);
        var r = Trainer.Train(Config("eval_freq=128", "eval_episodes=2", "stop_reward_threshold=1"), dir, Quiet);
        Assert.True(r.StoppedEarly);
        Assert.True(r.Timesteps < 640);
        var evals = File.ReadAllLines(Path.Combine(dir, "evaluations.csv"));
        Assert.Equal("timesteps,mean_return,std_return,episodes", evals[0]);
        Assert.Contains(File.ReadAllLines(Path.Combine(dir, "progress.csv")).Skip(1), l => l.Split(',')[5].Length > 0);
    }

    [Fact]
    public void Evaluator_is_reproducible_for_a_seed()
    {
        using var algo = TestRuns.TrainedFake(64);
        using var env1 = PolicyGradient.Environments.Envs.Make("CartPole-v1");
        var a = Evaluator.Evaluate(algo, env1, 3, 5);
        var b = Evaluator.Evaluate(algo, env1, 3, 5);
        Assert.Equal(a.Returns, b.Returns);
        Assert.Equal(a.Returns.Average(), a.MeanReturn, 12);
    }
}
