using System.Globalization;
using System.Security.Cryptography;
using PolicyGradient.Algorithms;
using PolicyGradient.Training;
using PolicyGradient.Training.Configuration;
using PolicyGradient.Core;

namespace PolicyGradient.Tests.Training;

/// <summary>
/// Stop requests (Ctrl-C), wall-time checkpoints and schedule progress in the run layer: a stopped
/// run leaves a checkpoint at the update it stopped on and resumes to the same final state; the
/// moments at which wall-time checkpoints happen do not change what is trained.
/// </summary>
public class RunInterruptionTests
{
    static RunInterruptionTests() => TestRuns.EnsureRegistered();

    // Bit-identical PPO weights need one intra-op thread (what pg --deterministic sets).
    public RunInterruptionTests() => TorchSharp.torch.set_num_threads(1);

    static ResolvedConfig Fake(params string[] set) =>
        ConfigResolver.Resolve(FakeAlgorithm.RegisteredName, "CartPole-v1", null, ["n_timesteps=640", "checkpoint_every=128", "keep_checkpoints=100", .. set]);

    static readonly TrainingSession Quiet = new() { TensorBoard = false, Plot = false };

    static string Sha(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));

    static string[] StepFolders(string run) =>
        Directory.GetDirectories(Path.Combine(run, "checkpoints"), "step-*").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    /// <summary>Signals a token at the end of a chosen update (as Ctrl-C would during it).</summary>
    sealed class CancelAt(int update, CancellationTokenSource cts) : ITrainingCallback
    {
        public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics)
        {
            if (metrics.Updates == update) cts.Cancel();
            return true;
        }
    }

    /// <summary>Moves the manual clock by a fixed amount after every update.</summary>
    sealed class Tick(ManualClock clock, TimeSpan by) : ITrainingCallback
    {
        public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics) { clock.Advance(by); return true; }
    }

    [Fact]
    public void A_stop_request_checkpoints_the_current_update_and_resume_ends_where_an_uninterrupted_run_does()
    {
        string straight = RunFolder.Create(Path.Combine(TestRuns.TempDir(), "a"), false);
        Trainer.Train(Fake(), straight, Quiet);

        string stopped = RunFolder.Create(Path.Combine(TestRuns.TempDir(), "b"), false);
        using var cts = new CancellationTokenSource();
        var e = Assert.Throws<TrainingInterruptedException>(() =>
            Trainer.Train(Fake(), stopped, Quiet with { Cancellation = cts.Token, Callbacks = [new CancelAt(7, cts)] }));
        // Update 7 ends at 7 × 32 = 224 steps: the checkpoint is there, not at the last periodic one (128).
        Assert.Equal(224, e.Timesteps);
        Assert.Equal(Path.Combine(stopped, "checkpoints", "step-224"), e.Checkpoint);
        Assert.Equal(stopped, e.RunDir);
        Assert.Equal(["step-128", "step-224"], StepFolders(stopped));
        Assert.False(Directory.Exists(Path.Combine(stopped, "checkpoints", "final")));
        Assert.Equal(1 + 7, File.ReadAllLines(Path.Combine(stopped, "progress.csv")).Length);

        var result = Trainer.Resume(stopped, null, Quiet);
        Assert.Equal(640, result.Timesteps);
        foreach (string f in new[] { "model.safetensors", "env-state.bin" })
            Assert.Equal(Sha(Path.Combine(straight, "checkpoints", "final", f)), Sha(Path.Combine(stopped, "checkpoints", "final", f)));
    }

    [Fact]
    public void A_stop_request_on_the_update_of_a_periodic_checkpoint_reuses_it()
    {
        string dir = RunFolder.Create(Path.Combine(TestRuns.TempDir(), "run"), false);
        using var cts = new CancellationTokenSource();
        var e = Assert.Throws<TrainingInterruptedException>(() =>
            Trainer.Train(Fake(), dir, Quiet with { Cancellation = cts.Token, Callbacks = [new CancelAt(4, cts)] }));
        Assert.Equal(128, e.Timesteps);
        Assert.Equal(["step-128"], StepFolders(dir));
    }

    [Fact]
    public void Checkpoints_also_come_every_checkpoint_minutes_of_wall_time()
    {
        string dir = RunFolder.Create(Path.Combine(TestRuns.TempDir(), "run"), false);
        var clock = new ManualClock();
        // No checkpoint by timesteps; one minute passes per update; 2.5 minutes between checkpoints:
        // the check at update u sees u - 1 minutes, so checkpoints land on updates 4, 7, 10, ... (32 steps each).
        Trainer.Train(Fake("checkpoint_every=1000000", "checkpoint_minutes=2.5"), dir,
            Quiet with { Time = clock, Callbacks = [new Tick(clock, TimeSpan.FromMinutes(1))] });
        Assert.Equal(new[] { 128, 224, 320, 416, 512, 608 }.Select(s => $"step-{s}").Order(StringComparer.Ordinal), StepFolders(dir));
    }

    [Fact]
    public void Checkpoint_minutes_zero_means_by_timesteps_only_and_defaults_to_ten()
    {
        Assert.Equal(10, Fake().Run.CheckpointMinutes);
        string dir = RunFolder.Create(Path.Combine(TestRuns.TempDir(), "run"), false);
        var clock = new ManualClock();
        Trainer.Train(Fake("checkpoint_every=1000000", "checkpoint_minutes=0"), dir,
            Quiet with { Time = clock, Callbacks = [new Tick(clock, TimeSpan.FromHours(1))] });
        Assert.Empty(StepFolders(dir));
    }

    [Fact]
    public void Wall_time_checkpoints_do_not_change_what_a_real_ppo_run_trains()
    {
        // Real PPO (native backend), 4 updates of 8 × 32 steps; one run checkpoints after every update
        // (by a clock that jumps an hour per update), the other never before the end.
        string[] set = ["n_timesteps=1024", "n_envs=8", "n_steps=32", "batch_size=64", "n_epochs=2"];
        var config = ConfigResolver.Resolve("ppo", "CartPole-v1", null, [.. set, "checkpoint_every=1000000", "checkpoint_minutes=1"]);
        string quiet = RunFolder.Create(Path.Combine(TestRuns.TempDir(), "quiet"), false);
        string busy = RunFolder.Create(Path.Combine(TestRuns.TempDir(), "busy"), false);
        Trainer.Train(config, quiet, Quiet with { Deterministic = true });
        var clock = new ManualClock();
        Trainer.Train(config, busy, Quiet with { Deterministic = true, Time = clock, Callbacks = [new Tick(clock, TimeSpan.FromHours(1))] });
        Assert.Empty(StepFolders(quiet));
        // The check at update u sees u - 1 hours: checkpoints at updates 2, 3 and 4 (keep_checkpoints 100).
        Assert.Equal(["step-1024", "step-512", "step-768"], StepFolders(busy));
        Assert.Equal(Sha(Path.Combine(quiet, "checkpoints", "final", "model.safetensors")), Sha(Path.Combine(busy, "checkpoints", "final", "model.safetensors")));
        Assert.Equal(Sha(Path.Combine(quiet, "checkpoints", "final", "env-state.bin")), Sha(Path.Combine(busy, "checkpoints", "final", "env-state.bin")));
    }

    [Fact]
    public void Linear_schedules_never_go_below_zero_when_the_last_rollout_overshoots()
    {
        var lin = Schedule.Parse("lin_0.001");
        Assert.Equal(0.0, lin.Value(1.0 - 100_096.0 / 100_000));   // was -9.6e-07
        Assert.Equal(0.001, lin.Value(1.5));
        Assert.Equal(0.0005, lin.Value(0.5), 12);
        Assert.Equal(0.2, Schedule.Parse("0.2").Value(-3));

        // A real PPO run whose 4 rollouts of 8 × 32 steps end at 1,024 of 1,000 steps.
        string dir = RunFolder.Create(Path.Combine(TestRuns.TempDir(), "run"), false);
        var config = ConfigResolver.Resolve("ppo", "CartPole-v1", null,
            ["n_timesteps=1000", "n_envs=8", "n_steps=32", "batch_size=64", "n_epochs=2", "learning_rate=lin_0.001", "clip_range=lin_0.2"]);
        Trainer.Train(config, dir, Quiet);
        var lines = File.ReadAllLines(Path.Combine(dir, "progress.csv"));
        var header = lines[0].Split(',');
        double[] Column(string name) => lines.Skip(1).Select(l => double.Parse(l.Split(',')[Array.IndexOf(header, name)], CultureInfo.InvariantCulture)).ToArray();
        double[] lr = Column("learning_rate"), clip = Column("clip_range"), steps = Column("timesteps");
        Assert.Equal(new double[] { 256, 512, 768, 1024 }, steps);
        Assert.All(lr, v => Assert.True(v >= 0, $"learning_rate {v} < 0"));
        Assert.All(clip, v => Assert.True(v >= 0, $"clip_range {v} < 0"));
        Assert.Equal(0.0, lr[^1]);
        Assert.Equal(0.0, clip[^1]);
        Assert.Equal(0.001 * (1 - 768 / 1000.0), lr[^2], 12);
    }

    [Fact]
    public void Resume_with_a_new_total_warns_that_linear_schedules_are_re_stretched()
    {
        string dir = RunFolder.Create(Path.Combine(TestRuns.TempDir(), "run"), false);
        Trainer.Train(Fake("learning_rate=lin_0.001"), dir, Quiet);
        var warnings = new List<string>();
        Trainer.Resume(dir, 1280, Quiet with { Warn = warnings.Add });
        string w = Assert.Single(warnings);
        Assert.Contains("--timesteps 1280 re-stretches the linear schedules to end at step 1280 instead of 640", w);
        Assert.Contains("at the checkpoint (step 640) they jump: learning_rate 0 -> 0.0005", w);

        // A constant schedule has nothing to stretch: no warning.
        string plain = RunFolder.Create(Path.Combine(TestRuns.TempDir(), "plain"), false);
        Trainer.Train(Fake(), plain, Quiet);
        var none = new List<string>();
        Trainer.Resume(plain, 1280, Quiet with { Warn = none.Add });
        Assert.Empty(none);
    }
}
