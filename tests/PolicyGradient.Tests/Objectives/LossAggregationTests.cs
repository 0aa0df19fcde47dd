using PolicyGradient.Objectives;
using TorchSharp;
using static PolicyGradient.Tests.TensorAssert;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Objectives;

public class LossAggregationTests
{
    // 3 sequences of length 4; the last one fully masked.
    static Tensor Loss() => T2(new float[,] { { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 9, 9, 9, 9 } });
    static Tensor Mask() => T2(new float[,] { { 1, 1, 0, 0 }, { 1, 1, 1, 1 }, { 0, 0, 0, 0 } });

    [Theory]
    [InlineData(LossAggregationMode.TokenMean, 29.0 / 6)]          // (1+2+5+6+7+8)/6
    [InlineData(LossAggregationMode.TokenSum, 29.0)]
    [InlineData(LossAggregationMode.SeqMeanTokenSum, 29.0 / 2)]    // (3 + 26)/2 valid sequences
    [InlineData(LossAggregationMode.SeqMeanTokenMean, (1.5 + 6.5) / 2)]
    [InlineData(LossAggregationMode.SeqMeanTokenSumNorm, 29.0 / 2 / 4)]
    public void Hand_computed_values_with_a_fully_masked_row(LossAggregationMode mode, double expected)
    {
        using var scope = torch.NewDisposeScope();
        Close(expected, LossAggregation.Aggregate(Loss(), Mask(), mode));
    }

    [Theory]
    [InlineData(LossAggregationMode.TokenMean)]
    [InlineData(LossAggregationMode.TokenSum)]
    [InlineData(LossAggregationMode.SeqMeanTokenSum)]
    [InlineData(LossAggregationMode.SeqMeanTokenMean)]
    [InlineData(LossAggregationMode.SeqMeanTokenSumNorm)]
    public void Micro_batch_losses_with_a_global_normalizer_sum_to_the_full_batch_loss(LossAggregationMode mode)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        var loss = torch.randn(6, 5);
        var mask = T2(new float[,] { { 1, 1, 1, 0, 0 }, { 1, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0 }, { 1, 1, 1, 1, 1 }, { 1, 1, 0, 0, 0 }, { 1, 1, 1, 1, 0 } });
        var full = LossAggregation.Aggregate(loss, mask, mode);
        double global = mode == LossAggregationMode.TokenMean ? mask.sum().item<float>() : 5;   // 5 non-empty sequences
        var parts = LossAggregation.Aggregate(loss[..2], mask[..2], mode, global, maxLength: 5)
                  + LossAggregation.Aggregate(loss[2..5], mask[2..5], mode, global, maxLength: 5)
                  + LossAggregation.Aggregate(loss[5..], mask[5..], mode, global, maxLength: 5);
        Close(full.item<float>(), parts, 1e-5);
    }

    [Fact]
    public void One_dimensional_loss_with_all_ones_mask_is_the_plain_mean()
    {
        using var scope = torch.NewDisposeScope();
        var loss = T(1, 2, 3, 6);
        Close(3.0, LossAggregation.Aggregate(loss, torch.ones(4), LossAggregationMode.TokenMean));
        Close(3.0, LossAggregation.Aggregate(loss, torch.ones(4), LossAggregationMode.SeqMeanTokenMean));
    }

    [Fact]
    public void Gradient_of_token_mean_is_mask_over_count_and_empty_mask_gives_zero()
    {
        using var scope = torch.NewDisposeScope();
        var loss = T(1, 2, 3).requires_grad_(true);
        LossAggregation.Aggregate(loss, T(1, 0, 1), LossAggregationMode.TokenMean).backward();
        Close([0.5f, 0, 0.5f], loss.grad!);
        Close(0.0, LossAggregation.Aggregate(T(1, 2), torch.zeros(2), LossAggregationMode.TokenMean));
        Close(0.0, LossAggregation.Aggregate(T(1, 2), torch.zeros(2), LossAggregationMode.SeqMeanTokenMean));
    }

    [Fact]
    public void Gradient_of_seq_mean_token_mean_weights_tokens_by_one_over_length()
    {
        using var scope = torch.NewDisposeScope();
        var loss = Loss().requires_grad_(true);
        LossAggregation.Aggregate(loss, Mask(), LossAggregationMode.SeqMeanTokenMean).backward();
        Close([0.25f, 0.25f, 0, 0, 0.125f, 0.125f, 0.125f, 0.125f, 0, 0, 0, 0], loss.grad!);
    }
}
