using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Language.Training;

/// <summary>GVPO through the group trainer on a tiny model and 1-digit addition.</summary>
public class GvpoTrainerTests
{
    static readonly CharTokenizer Tok = new("0123456789+=");

    public GvpoTrainerTests() => torch.set_num_threads(1);

    static TransformerPolicy Tiny() => new(new TransformerConfig { VocabularySize = Tok.VocabularySize, Layers = 1, Width = 16, Heads = 2, MaxPositions = 24 }, 3);

    [Fact]
    public void Micro_batches_of_whole_groups_give_the_whole_batch_gradient()
    {
        using var scope = torch.NewDisposeScope();
        GroupStepMetrics Run(int micro, out TransformerPolicy model)
        {
            model = Tiny();
            var options = LanguageAlgorithms.Options("gvpo", new GroupTrainerOptions
            {
                PromptsPerStep = 4, GroupSize = 4, LearningRate = 1e-3, Seed = 7, MicroBatchSize = micro, Epochs = 2,
                Reward = (_, completion, _) => completion.Length,
            });
            return new GroupTrainer(model, ArithmeticTask.Addition(1), Tok, options).Step();
        }
        var whole = Run(0, out var a);
        var split = Run(4, out var b);   // the second epoch is off-policy: q ≠ 0 there
        Assert.True(whole.GradNorm > 0);
        Assert.Equal(whole.GradNorm, split.GradNorm, 4);
        Assert.Equal(whole.Loss, split.Loss, 5);
        foreach (var ((name, pa), (_, pb)) in a.named_parameters().Zip(b.named_parameters()))
            Assert.True(torch.allclose(pa, pb, rtol: 1e-4, atol: 1e-6), $"parameter {name} differs");
    }

    [Fact]
    public void A_micro_batch_that_splits_groups_is_refused_before_training()
    {
        var options = LanguageAlgorithms.Options("gvpo", new GroupTrainerOptions { PromptsPerStep = 4, GroupSize = 4, MicroBatchSize = 6 });
        var e = Assert.Throws<ArgumentException>(() => new GroupTrainer(Tiny(), ArithmeticTask.Addition(1), Tok, options));
        Assert.Contains("micro_batch_size 6", e.Message);
    }

    [Fact]
    public void Gvpo_raises_the_rate_of_a_rewarded_behaviour()
    {
        using var scope = torch.NewDisposeScope();
        var task = ArithmeticTask.Addition(1);
        var model = Tiny();
        double Rate()
        {
            using var rateScope = torch.NewDisposeScope();
            var (prompt, mask) = TaskBatch.Prompts(task.SampleTrain(new PolicyGradient.Environments.Rng(99), 256), Tok);
            var result = Sampler.Generate(model, prompt, mask, Tok.EosId, Tok.PadId, new SamplingOptions { MaxNewTokens = 3 }, new Generator(5));
            return TaskBatch.Decode(result.Tokens, Tok).Count(t => t.StartsWith('7')) / 256.0;
        }
        double before = Rate();
        var trainer = new GroupTrainer(model, task, Tok, LanguageAlgorithms.Options("gvpo", new GroupTrainerOptions
        {
            PromptsPerStep = 8, GroupSize = 8, LearningRate = 1e-2, Seed = 1, Reward = (_, completion, _) => completion.StartsWith('7') ? 1f : 0f,
        }));
        for (int i = 0; i < 25; i++) trainer.Step();
        double after = Rate();
        Assert.True(after > before + 0.3, $"gvpo: P(first char = 7): {before:F3} → {after:F3}");
    }
}
