using PolicyGradient.Core;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Runs;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using PolicyGradient.Tests.Training;
using TorchSharp;

namespace PolicyGradient.Tests.Language.Runs;

/// <summary>Language trainers' learning rates follow the same <see cref="Schedule"/> type as PPO's.</summary>
public class LearningRateScheduleTests
{
    public LearningRateScheduleTests() => torch.set_num_threads(1);

    static TransformerPolicy Tiny() => new(new TransformerConfig { VocabularySize = new CharTokenizer().VocabularySize, Layers = 1, Width = 16, Heads = 2, MaxPositions = 32 }, 3);

    static float[] Weights(TransformerPolicy p) => p.parameters().SelectMany(t => t.data<float>().ToArray()).ToArray();

    [Fact]
    public void A_linear_rate_starts_at_its_initial_value_and_then_decays()
    {
        var task = SequenceTask.Reverse(2, 3);
        using var constant = Tiny();
        using var linear = Tiny();
        var a = new SftTrainer(constant, task, new CharTokenizer(), new SftOptions { Steps = 4, BatchSize = 4, LearningRate = 1e-2 });
        var b = new SftTrainer(linear, task, new CharTokenizer(), new SftOptions { Steps = 4, BatchSize = 4, LearningRate = Schedule.Parse("lin_1e-2") });
        a.Step(); b.Step();
        Assert.Equal(Weights(constant), Weights(linear));      // step 0: the full rate
        a.Step(); b.Step();
        Assert.NotEqual(Weights(constant), Weights(linear));   // step 1: 3/4 of it
    }

    [Fact]
    public void A_run_logs_the_scheduled_rate_of_every_step()
    {
        string dir = Path.Combine(TestRuns.TempDir(), "sft");
        var config = LanguageRunConfig.Resolve("sft", "Reverse-v0", null,
            ["model.layers=1", "model.width=16", "model.heads=2", "model.max_positions=32", "eval_problems=5", "task.min_length=2", "task.max_length=3",
             "steps=4", "batch_size=4", "learning_rate=lin_0.001"]);
        LanguageRunner.Train(config, dir);
        var rows = File.ReadAllLines(Path.Combine(dir, "progress.csv"));
        int col = Array.IndexOf(rows[0].Split(','), "learning_rate");
        Assert.Equal(["0.001", "0.00075", "0.0005", "0.00025"], rows.Skip(1).Select(r => r.Split(',')[col]));
        Assert.Contains("learning_rate: lin_0.001", File.ReadAllText(Path.Combine(dir, "config.yaml")));
    }

    [Fact]
    public void Resuming_with_more_steps_warns_that_a_linear_rate_is_re_stretched()
    {
        string dir = Path.Combine(TestRuns.TempDir(), "sft");
        var config = LanguageRunConfig.Resolve("sft", "Reverse-v0", null,
            ["model.layers=1", "model.width=16", "model.heads=2", "model.max_positions=32", "eval_problems=5", "task.min_length=2", "task.max_length=3",
             "steps=2", "batch_size=4", "learning_rate=lin_0.001"]);
        LanguageRunner.Train(config, dir);
        var warnings = new List<string>();
        LanguageRunner.Resume(dir, 4, new LanguageRunSession { Warn = warnings.Add });
        Assert.Contains(warnings, w => w.StartsWith("--steps 4 re-stretches the linear schedules to end at step 4 instead of 2; at the checkpoint (step 2) they jump: learning_rate 0 -> 0.0005", StringComparison.Ordinal));
    }
}
