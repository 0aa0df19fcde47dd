using PolicyGradient.Estimators;
using TorchSharp;
using static PolicyGradient.Tests.TensorAssert;

namespace PolicyGradient.Tests.Estimators;

public class AdvantageNormalizationTests
{
    [Fact]
    public void Uses_unbiased_std_like_sb3()
    {
        using var scope = torch.NewDisposeScope();
        // mean 2, unbiased var ((1)+(0)+(1))/2 = 1, std 1
        var a = AdvantageNormalization.Normalize(T(1, 2, 3), epsilon: 0);
        Close([-1, 0, 1], a);
    }

    [Fact]
    public void Masked_statistics_ignore_invalid_entries_and_zero_them()
    {
        using var scope = torch.NewDisposeScope();
        var a = AdvantageNormalization.Normalize(T(1, 100, 2, 3), T(1, 0, 1, 1), epsilon: 0);
        Close([-1, 0, 0, 1], a);
    }

    [Fact]
    public void Single_advantage_is_left_unchanged_instead_of_nan()
    {
        using var scope = torch.NewDisposeScope();
        Close([2.5f], AdvantageNormalization.Normalize(T(2.5f)));
    }

    [Fact]
    public void Gradient_matches_formula_for_constant_shift()
    {
        using var scope = torch.NewDisposeScope();
        // Normalization is shift invariant: d/dc Σ w_i Â_i(x + c) = 0.
        var x = T(0.3f, -1.2f, 2.0f, 0.7f).requires_grad_(true);
        var w = T(1, 2, 3, 4);
        (AdvantageNormalization.Normalize(x) * w).sum().backward();
        Close(0.0, x.grad!.sum(), 1e-5);
    }
}
