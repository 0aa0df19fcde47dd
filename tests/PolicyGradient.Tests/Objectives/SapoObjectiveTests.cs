using PolicyGradient.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Objectives;

/// <summary>SAPO's soft gate against values computed by hand (σ(τ(r − 1))·4/τ, τ by the advantage's sign).</summary>
public sealed class SapoObjectiveTests
{
    [Fact]
    public void LossAndGradientMatchHandComputedValues()
    {
        // r = 1.2 with A = +1 (τ_pos = 1): L = −σ(0.2)·4 = −2.1993360; dL/dlog π = −A·4σ(1 − σ)·r = −1.1880795.
        // r = 0.5 with A = −2 (τ_neg = 1.05): L = σ(−0.525)·4/1.05·2 = 2.8318767; dL/dlog π = 0.9341398.
        var logProbs = tensor(new[] { MathF.Log(1.2f), MathF.Log(0.5f) }).reshape(1, 2).requires_grad_();
        var old = zeros(1, 2);
        var advantages = tensor(new[] { 1f, -2f }).reshape(1, 2);
        var (loss, clipped) = SapoObjective.Compute(logProbs, old, advantages);
        Assert.Equal(-2.1993360, loss[0, 0].item<float>(), 5);
        Assert.Equal(2.8318767, loss[0, 1].item<float>(), 5);
        Assert.False(clipped.any().item<bool>());
        loss.sum().backward();
        Assert.Equal(-1.1880795, logProbs.grad![0, 0].item<float>(), 5);
        Assert.Equal(0.9341398, logProbs.grad![0, 1].item<float>(), 5);
    }

    [Fact]
    public void OnPolicyTheGradientIsTheVanillaPolicyGradientWhateverTheTemperature()
    {
        // At r = 1 the gate's slope is 4σ(0)(1 − σ(0)) = 1: ∂L/∂log π = −A for both signs of A.
        var logProbs = tensor(new[] { -0.3f, -1.2f, -2.0f }).reshape(1, 3).requires_grad_();
        var advantages = tensor(new[] { 0.7f, -1.5f, 0f }).reshape(1, 3);
        var (loss, _) = SapoObjective.Compute(logProbs, logProbs.detach().clone(), advantages, tauPositive: 3.0, tauNegative: 0.5);
        loss.sum().backward();
        Assert.Equal(new[] { -0.7f, 1.5f, 0f }, logProbs.grad!.data<float>().ToArray());
    }

    [Fact]
    public void TheLogRatioIsClampedAndTheGateSaturates()
    {
        // log r = 25 is clamped to 20: the gate is σ(e^20 − 1)·4 = 4 (τ_pos = 1), so L = −4·A; the gradient vanishes.
        var logProbs = tensor(new[] { 25f }).reshape(1, 1).requires_grad_();
        var (loss, _) = SapoObjective.Compute(logProbs, zeros(1, 1), ones(1, 1));
        Assert.Equal(-4.0, loss.item<float>(), 5);
        loss.sum().backward();
        Assert.Equal(0f, logProbs.grad!.item<float>());
    }

    [Fact]
    public void IsSelectableByNameAndTheSapoAlgorithmUsesItWithSeqMeanTokenMean()
    {
        var entry = PolicyLossRegistry.Shared.Find("sapo");
        Assert.True(entry.ZeroAdvantageRowsInert);
        var options = PolicyGradient.Language.Training.LanguageAlgorithms.Options("sapo");
        Assert.Equal(("grpo", "sapo", LossAggregationMode.SeqMeanTokenMean), (options.Estimator, options.Loss, options.Aggregation));
    }
}
