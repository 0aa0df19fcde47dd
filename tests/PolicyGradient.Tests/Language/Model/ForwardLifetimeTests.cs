using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Interop;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Language.Model;

/// <summary>
/// The forward pass frees each layer's intermediates as it goes (per-half dispose scopes in TransformerBlock,
/// the residual of the layer before disposed), so what it leaves in the caller's scope does not grow with the
/// depth, and backward still finds everything autograd saved.
/// </summary>
public class ForwardLifetimeTests
{
    public ForwardLifetimeTests() => torch.set_num_threads(1);

    static TransformerPolicy Make(int layers) =>
        new(new TransformerConfig { VocabularySize = 11, Layers = layers, Width = 32, Heads = 4, MaxPositions = 64 }, seed: 3);

    static long TensorsLeftByForward(TransformerPolicy model, bool grad)
    {
        var (tokens, mask) = PromptBatch.LeftPad([[1, 5, 6, 7], [1, 8], [1, 3, 4]], 0);
        using var enabled = torch.enable_grad(grad);
        using var scope = torch.NewDisposeScope();
        long before = scope.DisposablesCount;
        var output = model.Forward(tokens, mask);
        long left = scope.DisposablesCount - before;
        if (grad)
        {
            output.Logits.pow(TorchScalars.Two).mean().backward();
            Assert.All(model.parameters(), p => Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0, "a parameter got no gradient"));
        }
        return left;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void What_a_forward_leaves_behind_does_not_grow_with_the_layers(bool grad)
    {
        long shallow = TensorsLeftByForward(Make(1), grad);
        long deep = TensorsLeftByForward(Make(6), grad);
        // Before the per-layer scopes each layer left about twenty intermediates in the caller's scope.
        Assert.Equal(shallow, deep);
    }
}
