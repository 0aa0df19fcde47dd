using PolicyGradient.Environments;
using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Language.Training;

/// <summary>Short, seeded learning tests of SFT and the group trainer on a tiny model.</summary>
public class TrainerTests
{
    static readonly CharTokenizer Tok = new("0123456789+=");

    public TrainerTests() => torch.set_num_threads(1);

    static TransformerPolicy Tiny(long seed = 3) => new(new TransformerConfig
    {
        VocabularySize = Tok.VocabularySize, Layers = 2, Width = 32, Heads = 4, MaxPositions = 16,
    }, seed);

    [Fact]
    public void Sft_lowers_the_cross_entropy_of_reference_answers()
    {
        using var scope = torch.NewDisposeScope();
        var model = Tiny();
        var losses = SupervisedFineTuning.Train(model, ArithmeticTask.Addition(1), Tok,
            new SftOptions { Steps = 60, BatchSize = 32, LearningRate = 3e-3 });
        Assert.True(losses[^1] < 0.6 * losses[0], $"loss {losses[0]} → {losses[^1]}");
    }

    static double FractionStartingWith7(TransformerPolicy model, VerifiableTask task)
    {
        using var scope = torch.NewDisposeScope();
        var samples = task.SampleTrain(new Rng(99), 256);
        var (prompt, mask) = TaskBatch.Prompts(samples, Tok);
        var result = Sampler.Generate(model, prompt, mask, Tok.EosId, Tok.PadId, new SamplingOptions { MaxNewTokens = 3 }, new Generator(5));
        return TaskBatch.Decode(result.Tokens, Tok).Count(t => t.StartsWith('7')) / 256.0;
    }

    [Fact]
    public void Grpo_raises_the_rate_of_a_rewarded_behaviour()
    {
        using var scope = torch.NewDisposeScope();
        var task = ArithmeticTask.Addition(1);
        var model = Tiny();
        double before = FractionStartingWith7(model, task);
        var trainer = new GroupTrainer(model, task, Tok, new GroupTrainerOptions
        {
            PromptsPerStep = 8, GroupSize = 8, LearningRate = 3e-3, Seed = 1,
            Reward = (_, completion, _) => completion.StartsWith('7') ? 1f : 0f,
        });
        GroupStepMetrics last = null!;
        for (int i = 0; i < 25; i++) last = trainer.Step();
        double after = FractionStartingWith7(model, task);
        Assert.True(after > before + 0.3, $"P(first char = 7): {before:F3} → {after:F3}");
        Assert.Equal(24, last.Step);
        Assert.InRange(last.ZeroStdGroupFraction, 0, 1);
    }

    [Theory]
    [InlineData("drgrpo", "gspo")]
    [InlineData("rloo", "cispo")]
    [InlineData("reinforce_plus_plus", "reinforce")]
    [InlineData("grpo", "gmpo")]
    [InlineData("opo", "clip_cov")]
    [InlineData("bnpo", "kl_cov")]
    public void Estimator_and_loss_combinations_run_and_report(string estimator, string loss)
    {
        using var scope = torch.NewDisposeScope();
        var model = Tiny();
        var trainer = new GroupTrainer(model, ArithmeticTask.Addition(1), Tok, new GroupTrainerOptions
        {
            PromptsPerStep = 4, GroupSize = 4, Estimator = estimator, Loss = loss, Kl = new() { Coefficient = 0.01 },
        });
        var m = trainer.Step();
        Assert.True(double.IsFinite(m.Loss) && double.IsFinite(m.GradNorm), $"loss {m.Loss}, grad norm {m.GradNorm}");
        Assert.True(m.Kl >= 0);
        Assert.True(m.GeneratedTokens > 0);
    }

    [Fact]
    public void A_throwing_reward_marks_samples_invalid_without_stopping_training()
    {
        using var scope = torch.NewDisposeScope();
        var model = Tiny();
        int calls = 0;
        var trainer = new GroupTrainer(model, ArithmeticTask.Addition(1), Tok, new GroupTrainerOptions
        {
            PromptsPerStep = 4, GroupSize = 4,
            Reward = (_, c, _) => ++calls % 3 == 0 ? throw new InvalidOperationException("flaky grader") : c.Length,
        });
        var m = trainer.Step();
        Assert.Equal(5, m.InvalidSamples);   // calls 3, 6, 9, 12, 15 of 16
        Assert.True(double.IsFinite(m.Loss));
    }

    [Fact]
    public void Greedy_accuracy_counts_verified_answers()
    {
        using var scope = torch.NewDisposeScope();
        var task = ArithmeticTask.Addition(1);
        var acc = TaskEvaluation.GreedyAccuracy(Tiny(), task, Tok, task.HeldOut(8));
        Assert.InRange(acc, 0, 1);
    }
}
