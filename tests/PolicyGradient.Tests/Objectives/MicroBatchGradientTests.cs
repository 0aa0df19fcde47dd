using PolicyGradient.Objectives;
using TorchSharp;
using static PolicyGradient.Tests.TensorAssert;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Objectives;

/// <summary>Gradient accumulation with the mini-batch's normalizer gives the full-batch gradient in every mode.</summary>
public class MicroBatchGradientTests
{
    static Tensor Mask() => T2(new float[,] { { 1, 1, 1, 0, 0 }, { 1, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0 }, { 1, 1, 1, 1, 1 }, { 1, 1, 0, 0, 0 }, { 1, 1, 1, 1, 0 } });
    static Tensor PerToken(Tensor w, Tensor x) => (w * x).sin() + w.square();

    [Theory]
    [InlineData(LossAggregationMode.TokenMean)]
    [InlineData(LossAggregationMode.TokenSum)]
    [InlineData(LossAggregationMode.SeqMeanTokenSum)]
    [InlineData(LossAggregationMode.SeqMeanTokenMean)]
    [InlineData(LossAggregationMode.SeqMeanTokenSumNorm)]
    public void Accumulated_micro_batch_gradients_equal_the_full_batch_gradient(LossAggregationMode mode)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(11);
        var x = torch.randn(6, 5);
        var mask = Mask();
        var w = torch.randn(6, 5).requires_grad_(true);
        LossAggregation.Aggregate(PerToken(w, x), mask, mode, maxLength: 5).backward();
        var full = w.grad!.clone();
        w.grad!.zero_();

        double norm = LossAggregation.GlobalNormalizer(mask, mode);
        foreach (var (start, length) in new[] { (0, 2), (2, 3), (5, 1) })
            LossAggregation.Aggregate(PerToken(w.narrow(0, start, length), x.narrow(0, start, length)), mask.narrow(0, start, length), mode, norm, maxLength: 5).backward();
        Close(Values(full), w.grad!, 1e-5);
    }

    [Theory]
    [InlineData(LossAggregationMode.TokenMean, 15.0)]
    [InlineData(LossAggregationMode.TokenSum, 1.0)]
    [InlineData(LossAggregationMode.SeqMeanTokenSum, 5.0)]
    [InlineData(LossAggregationMode.SeqMeanTokenMean, 5.0)]
    [InlineData(LossAggregationMode.SeqMeanTokenSumNorm, 5.0)]
    public void Global_normalizer_counts_tokens_or_non_empty_sequences(LossAggregationMode mode, double expected)
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal(expected, LossAggregation.GlobalNormalizer(Mask(), mode));
        Assert.Equal(1.0, LossAggregation.GlobalNormalizer(torch.zeros(2, 3), mode));
    }
}
