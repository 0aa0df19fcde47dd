using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Language.Training;

/// <summary>
/// Gradient buffers allocated when a trainer is built (a memory layout change only): the first backward into them
/// gives the same gradients as lazily allocated ones, and a first step that trains no row still leaves the
/// optimizer without gradients, as before.
/// </summary>
public class GradientBuffersTests
{
    static readonly CharTokenizer Tok = new("0123456789+=");

    public GradientBuffersTests() => torch.set_num_threads(1);

    static TransformerPolicy Tiny() => new(new TransformerConfig
    {
        VocabularySize = Tok.VocabularySize, Layers = 2, Width = 32, Heads = 4, MaxPositions = 16,
    }, seed: 3);

    static Tensor[] GradientsOfOneBackward(TransformerPolicy model)
    {
        var samples = ArithmeticTask.Addition(1).SampleTrain(new PolicyGradient.Environments.Rng(7), 6);
        var (prompt, promptMask) = TaskBatch.Prompts(samples, Tok);
        var (target, targetMask) = TaskBatch.References(samples, Tok);
        SequenceLogProbs.Compute(model, prompt, promptMask, target, targetMask).LogProbs.sum().neg().backward();
        return model.parameters().Select(p => p.grad!).ToArray();
    }

    [Fact]
    public void The_first_backward_into_preallocated_buffers_gives_the_lazy_gradients_bit_for_bit()
    {
        using var scope = torch.NewDisposeScope();
        var lazy = Tiny();
        var early = Tiny();
        GradientBuffers.Allocate(early.parameters());
        Assert.All(early.parameters(), p => Assert.True(p.grad is { } g && g.shape.SequenceEqual(p.shape) && g.abs().sum().item<float>() == 0));
        var expected = GradientsOfOneBackward(lazy);
        var actual = GradientsOfOneBackward(early);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(expected[i].shape.SequenceEqual(actual[i].shape) && torch.equal(expected[i], actual[i]).all().item<bool>(), $"gradient {i} differs");
    }

    [Fact]
    public void Release_leaves_no_gradient_and_frozen_parameters_get_none()
    {
        using var scope = torch.NewDisposeScope();
        var model = Tiny();
        var frozen = model.parameters().First();
        frozen.requires_grad = false;
        GradientBuffers.Allocate(model.parameters());
        Assert.Null(frozen.grad);
        Assert.All(model.parameters().Skip(1), p => Assert.NotNull(p.grad));
        GradientBuffers.Release(model.parameters());
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void A_first_step_without_trained_rows_leaves_the_optimizer_no_gradient_and_the_weights_unchanged()
    {
        using var scope = torch.NewDisposeScope();
        var model = Tiny();
        var before = model.parameters().Select(p => p.detach().clone()).ToArray();
        // Every response gets the same reward: every advantage is 0 and every row is skipped.
        var trainer = new GroupTrainer(model, ArithmeticTask.Addition(1), Tok, new GroupTrainerOptions
        {
            PromptsPerStep = 4, GroupSize = 4, LearningRate = 1e-2, Seed = 1, Reward = (_, _, _) => 1f,
        });
        Assert.All(model.parameters(), p => Assert.NotNull(p.grad));
        trainer.Step();
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
        var after = model.parameters().ToArray();
        for (int i = 0; i < before.Length; i++) Assert.True(torch.equal(before[i], after[i]).all().item<bool>(), $"parameter {i} moved");
    }
}
