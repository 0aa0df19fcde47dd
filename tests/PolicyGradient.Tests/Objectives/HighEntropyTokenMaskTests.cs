using PolicyGradient.Objectives;
using TorchSharp;
using static PolicyGradient.Tests.TensorAssert;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Objectives;

public class HighEntropyTokenMaskTests
{
    // 6 valid tokens with entropies 0.1, 0.9, 0.5, 0.3 | 0.9, 0.2; the masked ones carry large entropies that must never win.
    static Tensor Entropy() => T2(new float[,] { { 0.1f, 0.9f, 0.5f, 0.3f }, { 0.9f, 0.2f, 5f, 5f }, { 7f, 7f, 7f, 7f } });
    static Tensor Mask() => T2(new float[,] { { 1, 1, 1, 1 }, { 1, 1, 0, 0 }, { 0, 0, 0, 0 } });

    [Fact]
    public void Keeps_the_top_fraction_of_valid_tokens_pooled_over_the_batch()
    {
        using var scope = torch.NewDisposeScope();
        // ρ = 0.34: k = ⌈2.04⌉ = 3, threshold 0.5.
        Close([0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0], HighEntropyTokenMask.Select(Entropy(), Mask(), 0.34));
        // ρ = 0.5: k = 3 as well; ρ = 0.6: k = 4, threshold 0.3.
        Close([0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], HighEntropyTokenMask.Select(Entropy(), Mask(), 0.6));
    }

    [Fact]
    public void Ties_with_the_threshold_are_all_kept()
    {
        using var scope = torch.NewDisposeScope();
        // ρ = 1/6: k = 1, but two tokens share the top entropy 0.9.
        Close([0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0], HighEntropyTokenMask.Select(Entropy(), Mask(), 1 / 6.0));
    }

    [Fact]
    public void Fully_masked_rows_and_batches_keep_nothing_and_rho_one_is_the_mask()
    {
        using var scope = torch.NewDisposeScope();
        Close(new float[12], HighEntropyTokenMask.Select(Entropy(), torch.zeros(3, 4), 0.2));
        Close(Values(Mask()), HighEntropyTokenMask.Select(Entropy(), Mask(), 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => HighEntropyTokenMask.Select(Entropy(), Mask(), 0));
    }
}
