using System.Security.Cryptography;
using PolicyGradient.Language.Runs;
using PolicyGradient.Tests.Training;
using PolicyGradient.Training;
using TorchSharp;

namespace PolicyGradient.Tests.Reliability;

/// <summary>Ctrl-C and wall-time checkpoints in language-model runs (tiny SFT runs, one thread).</summary>
public class LanguageRunInterruptionTests
{
    public LanguageRunInterruptionTests() => torch.set_num_threads(1);

    static LanguageRunConfig Config(params string[] set) =>
        LanguageRunConfig.Resolve("sft", "Reverse-v0", null,
            ["model.layers=1", "model.width=16", "model.heads=2", "model.max_positions=32", "eval_problems=10",
             "task.min_length=2", "task.max_length=3", "batch_size=4", "keep_checkpoints=10", .. set]);

    static string Sha(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));

    static string[] StepFolders(string run) =>
        Directory.GetDirectories(Path.Combine(run, "checkpoints"), "step-*").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void A_stop_request_checkpoints_the_current_step_and_resume_ends_with_the_uninterrupted_weights()
    {
        string root = TestRuns.TempDir();
        string straight = Path.Combine(root, "straight"), stopped = Path.Combine(root, "stopped");
        LanguageRunner.Train(Config("steps=5", "checkpoint_every=100"), straight);

        using var cts = new CancellationTokenSource();
        var e = Assert.Throws<TrainingInterruptedException>(() => LanguageRunner.Train(Config("steps=5", "checkpoint_every=100"), stopped,
            new LanguageRunSession { Cancellation = cts.Token, OnStep = r => { if (r.Step == 2) cts.Cancel(); } }));
        Assert.Equal(2, e.Timesteps);
        Assert.Equal(Path.Combine(stopped, "checkpoints", "step-2"), e.Checkpoint);
        Assert.Equal(["step-2"], StepFolders(stopped));
        Assert.False(Directory.Exists(Path.Combine(stopped, "checkpoints", "final")));

        var r = LanguageRunner.Resume(stopped);
        Assert.Equal(5, r.Steps);
        Assert.Equal(Sha(Path.Combine(straight, "checkpoints", "final", "model.safetensors")), Sha(Path.Combine(stopped, "checkpoints", "final", "model.safetensors")));
    }

    [Fact]
    public void Checkpoints_also_come_every_checkpoint_minutes_of_wall_time()
    {
        string dir = Path.Combine(TestRuns.TempDir(), "run");
        var clock = new ManualClock();
        // One minute per step, 2.5 minutes between checkpoints, none by steps: after steps 3 and 6 (not after the last, 8).
        LanguageRunner.Train(Config("steps=8", "checkpoint_every=100", "checkpoint_minutes=2.5"), dir,
            new LanguageRunSession { Time = clock, OnStep = _ => clock.Advance(TimeSpan.FromMinutes(1)) });
        Assert.Equal(["step-3", "step-6"], StepFolders(dir));
    }
}
