using PolicyGradient.Language.Runs;
using PolicyGradient.Language.Serialization;
using PolicyGradient.Tests.Training;
using PolicyGradient.Training.Checkpoints;
using PolicyGradient.Training;
using TorchSharp;

namespace PolicyGradient.Tests.Language.Runs;

/// <summary>Tiny runs (1 layer, width 16) through the run layer: folder contents, checkpoints, --init, exact resume.</summary>
public class LanguageRunnerTests
{
    public LanguageRunnerTests() => torch.set_num_threads(1);

    static readonly string[] Tiny = ["model.layers=1", "model.width=16", "model.heads=2", "model.max_positions=32", "eval_problems=10"];

    static LanguageRunConfig Config(string algo, params string[] set) =>
        LanguageRunConfig.Resolve(algo, "Reverse-v0", null, [.. Tiny, "task.min_length=2", "task.max_length=3", .. set]);

    [Fact]
    public void A_tiny_sft_run_writes_config_progress_events_curve_and_loadable_checkpoints()
    {
        string dir = Path.Combine(TestRuns.TempDir(), "sft");
        var config = Config("sft", "steps=6", "batch_size=8", "checkpoint_every=3", "eval_every=3");
        var records = new List<LanguageStepRecord>();
        var r = LanguageRunner.Train(config, dir, new LanguageRunSession { OnStep = records.Add });

        Assert.Equal(6, r.Steps);
        Assert.Equal(Enumerable.Range(1, 6), records.Select(x => x.Step));
        Assert.True(File.Exists(Path.Combine(dir, "config.yaml")));
        Assert.True(File.Exists(Path.Combine(dir, "learning-curve.png")));
        Assert.NotEmpty(Directory.GetFiles(dir, "events.out.tfevents.*"));
        var csv = File.ReadAllLines(Path.Combine(dir, "progress.csv"));
        Assert.Equal("step,wall_seconds,loss,learning_rate,grad_norm,answer_tokens,answer_tokens_per_second,heldout_accuracy,backend", csv[0]);
        Assert.Equal(7, csv.Length);
        Assert.All(csv.Skip(1), row => Assert.Equal("libtorch", row.Split(',')[^1]));   // the backend that ran
        Assert.Equal("", csv[1].Split(',')[^2]);      // no evaluation at step 1
        Assert.NotEqual("", csv[3].Split(',')[^2]);   // eval_every=3
        Assert.Equal(r.HeldOutAccuracy, double.Parse(csv[6].Split(',')[^2], System.Globalization.CultureInfo.InvariantCulture));

        var final = Path.Combine(dir, "checkpoints", "final");
        Assert.Equal(final, r.FinalCheckpoint);
        var manifest = CheckpointStore.Verify(final);
        Assert.Equal(("sft", "Reverse-v0", 6L), (manifest.Identity.Algorithm, manifest.Identity.EnvId, manifest.NumTimesteps));
        // step-3 by checkpoint_every; the last step has final only (no step-6 beside it).
        Assert.Equal(["final", "step-3"], Directory.GetDirectories(Path.Combine(dir, "checkpoints")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var loaded = HfCheckpoint.Load(final);
        Assert.Equal(config.Run.Model with { MlpWidth = config.Run.Model.ResolvedMlpWidth }, loaded.Config);   // HF config.json spells the MLP width out
        Assert.Equal(final, LanguageCheckpoint.Locate(dir).ModelDir);
    }

    [Fact]
    public void Init_starts_from_the_sft_run_and_locate_rejects_a_folder_without_a_model()
    {
        string root = TestRuns.TempDir();
        string sft = Path.Combine(root, "sft");
        LanguageRunner.Train(Config("sft", "steps=2", "batch_size=4"), sft);
        using var sftPolicy = HfCheckpoint.Load(Path.Combine(sft, "checkpoints", "final"));

        var location = LanguageCheckpoint.Locate(sft);
        var init = LanguageCheckpoint.LoadPolicy(location).Config;
        // learning_rate tiny and one step: the GRPO run's weights stay next to the SFT weights, far from a fresh init.
        var config = LanguageRunConfig.Resolve("grpo", "Reverse-v0", null,
            ["eval_problems=5", "task.min_length=2", "task.max_length=3", "steps=1", "prompts_per_step=2", "group_size=2", "learning_rate=1e-9", $"init={location.ModelDir}"], initModel: init);
        Assert.Equal(16, config.Run.Model.Width);   // from the checkpoint, not the preset's 128
        var r = LanguageRunner.Train(config, Path.Combine(root, "grpo"));
        using var after = HfCheckpoint.Load(r.FinalCheckpoint);
        foreach (var ((_, a), (_, b)) in sftPolicy.named_parameters().Zip(after.named_parameters()))
            Assert.True(a.allclose(b, rtol: 0, atol: 1e-5));

        string empty = Path.Combine(root, "empty");
        Directory.CreateDirectory(empty);
        var e = Assert.Throws<ArgumentException>(() => LanguageCheckpoint.Locate(empty));
        Assert.Contains("not a language run folder, a checkpoint folder or a Hugging Face folder", e.Message);
    }

    [Fact]
    public void Stop_accuracy_threshold_ends_the_run_at_an_evaluation_and_config_yaml_records_the_backend()
    {
        string dir = Path.Combine(TestRuns.TempDir(), "sft");
        var r = LanguageRunner.Train(Config("sft", "steps=6", "batch_size=4", "eval_every=2", "stop_accuracy_threshold=0"), dir);
        Assert.Equal(2, r.Steps);   // accuracy >= 0 at the first evaluation
        Assert.Equal(2, CheckpointStore.Verify(r.FinalCheckpoint).NumTimesteps);
        string yaml = File.ReadAllText(Path.Combine(dir, "config.yaml"));
        Assert.EndsWith("resolved_backend: libtorch\n", yaml);
        Assert.Equal(Config("sft", "steps=6", "batch_size=4", "eval_every=2", "stop_accuracy_threshold=0").Hash,
            LanguageRunConfig.FromRunConfig(Path.Combine(dir, "config.yaml")).Hash);   // read back without the report line
    }

    [Fact]
    public void Step_records_of_a_resumed_run_count_the_wall_time_before_the_resume()
    {
        string dir = Path.Combine(TestRuns.TempDir(), "sft");
        LanguageRunner.Train(Config("sft", "steps=2", "batch_size=4"), dir);
        double before = double.Parse(File.ReadAllLines(Path.Combine(dir, "progress.csv"))[^1].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(before > 0);
        var records = new List<LanguageStepRecord>();
        LanguageRunner.Resume(dir, 3, new LanguageRunSession { OnStep = records.Add });
        Assert.True(Assert.Single(records).WallSeconds >= before - 0.001, $"{records[0].WallSeconds} < {before}");
    }

    [Theory]
    [InlineData("sft", new[] { "batch_size=8" })]
    [InlineData("grpo", new[] { "prompts_per_step=3", "group_size=4", "kl_coefficient=0.1", "learning_rate=1e-3" })]
    [InlineData("ppo-lm", new[] { "prompts_per_step=3", "group_size=4", "kl_coefficient=0.1", "kl_in_reward=true", "adaptive_kl=true", "kl_target=0.01", "learning_rate=1e-3" })]
    public void Resume_from_a_checkpoint_ends_exactly_where_the_uninterrupted_run_does(string algo, string[] set)
    {
        string root = TestRuns.TempDir();
        string[] common = [.. set, "eval_every=2", "checkpoint_every=2"];
        string whole = Path.Combine(root, "whole"), parts = Path.Combine(root, "parts");
        LanguageRunner.Train(Config(algo, [.. common, "steps=4"]), whole);
        LanguageRunner.Train(Config(algo, [.. common, "steps=2"]), parts);           // stops after step 2 (its final checkpoint)
        var resumed = LanguageRunner.Resume(parts, steps: 4);                       // fresh trainer, optimizer and generators
        Assert.Equal(4, resumed.Steps);

        using var a = HfCheckpoint.Load(Path.Combine(whole, "checkpoints", "final"));
        using var b = HfCheckpoint.Load(resumed.FinalCheckpoint);
        foreach (var ((name, x), (_, y)) in a.named_parameters().Zip(b.named_parameters()))
            Assert.True(x.eq(y).all().item<bool>(), $"{name} differs after resume");
        Assert.Equal(Deterministic(Path.Combine(whole, "progress.csv")), Deterministic(Path.Combine(parts, "progress.csv")));
    }

    /// <summary>progress.csv without the wall-clock columns (seconds and tokens per second).</summary>
    static List<string> Deterministic(string csv)
    {
        var lines = File.ReadAllLines(csv);
        var header = lines[0].Split(',');
        Assert.Equal(header.Length, header.Distinct().Count());   // every column once
        var keep = Enumerable.Range(0, header.Length).Where(i => !header[i].Contains("seconds") && !header[i].Contains("per_second")).ToArray();
        return lines.Select(l => string.Join(',', keep.Select(i => l.Split(',')[i]))).ToList();
    }
}
