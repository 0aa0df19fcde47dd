using PolicyGradient.Language.Training;
using PolicyGradient.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Objectives;

/// <summary>GVPO's group-variance loss against values and gradients computed by hand (β = 0.1).</summary>
public sealed class GvpoObjectiveTests
{
    /// <summary>
    /// Two interleaved groups. Group 0 (rows 0, 2, 4; n = 3): Σ log π − Σ log π_old = 1.0, 0.5, −1.0 over the
    /// masked tokens, so q = 0.1, 0.05, −0.1 and q̄ = 0.05/3; rewards 1, 0, 0.5 → ρ = 0.5, −0.5, 0 (row 2's
    /// second token is masked out, its advantage 7 must not count). Group 1 (rows 1, 3; n = 2): q = 0, ρ = ±1.
    /// </summary>
    static (Tensor LogProbs, Tensor Old, Tensor Advantages, Tensor Mask, Tensor GroupIds) TwoGroups() =>
        (tensor(new[,] { { -1f, -2f }, { -1f, 0f }, { -0.5f, -4f }, { -1f, 0f }, { -3f, -1f } }).requires_grad_(),
         tensor(new[,] { { -1.5f, -2.5f }, { -1f, 0f }, { -1.0f, -9f }, { -1f, 0f }, { -2f, -1f } }),
         tensor(new[,] { { 0.5f, 0.5f }, { 1f, 0f }, { -0.5f, 7f }, { -1f, 0f }, { 0f, 0f } }),
         tensor(new[,] { { 1f, 1f }, { 1f, 0f }, { 1f, 0f }, { 1f, 0f }, { 1f, 1f } }),
         tensor(new long[] { 0, 1, 0, 1, 0 }));

    [Fact]
    public void LossMatchesTheHandComputedGroupVariance()
    {
        var (logProbs, old, advantages, mask, groups) = TwoGroups();
        var (loss, clipped) = GvpoObjective.Compute(logProbs, old, advantages, mask, groups, beta: 0.1);
        // L_i = ½((q_i − q̄) − ρ_i)² / (n − 1): group 0 with q̄ = 0.0166667 and n − 1 = 2, group 1 with n − 1 = 1.
        double[] expected = [0.0434028, 0.5, 0.0711111, 0.5, 0.0034028];
        var got = loss.data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], got[i], 5);
        Assert.False(clipped.any().item<bool>());
    }

    [Fact]
    public void GradientIsBetaTimesTheResidualOverNMinusOneOnEachMaskedToken()
    {
        var (logProbs, old, advantages, mask, groups) = TwoGroups();
        var (loss, _) = GvpoObjective.Compute(logProbs, old, advantages, mask, groups, beta: 0.1);
        loss.sum().backward();
        // ∂L_i/∂log π(y_t) = β((q_i − sg(q̄)) − ρ_i)/(n − 1) · m_t: the group mean is a constant (stop-gradient).
        float[,] expected = { { -0.0208333f, -0.0208333f }, { -0.1f, 0f }, { 0.0266667f, 0f }, { 0.1f, 0f }, { -0.0058333f, -0.0058333f } };
        var grad = logProbs.grad!;
        for (int i = 0; i < 5; i++)
            for (int t = 0; t < 2; t++) Assert.Equal(expected[i, t], grad[i, t].item<float>(), 6);
    }

    [Fact]
    public void OnPolicyTheGradientIsACentredRewardPolicyGradient()
    {
        // π_old = π: q = 0, L_i = ρ_i²/(2(n − 1)) and ∂L_i/∂log π = −β ρ_i /(n − 1) on every token of response i.
        var logProbs = tensor(new[,] { { -0.2f, -0.9f }, { -1.1f, -0.4f }, { -0.7f, -2.0f }, { -0.3f, -0.6f } }).requires_grad_();
        var advantages = tensor(new[,] { { 0.75f, 0.75f }, { -0.25f, -0.25f }, { -0.25f, -0.25f }, { -0.25f, -0.25f } });
        var (loss, _) = GvpoObjective.Compute(logProbs, logProbs.detach().clone(), advantages, ones(4, 2), zeros(4, dtype: ScalarType.Int64), beta: 0.5);
        Assert.Equal(0.75 * 0.75 / 6, loss[0].item<float>(), 6);
        loss.sum().backward();
        Assert.Equal(-0.5 * 0.75 / 3, logProbs.grad![0, 1].item<float>(), 6);
        Assert.Equal(0.5 * 0.25 / 3, logProbs.grad![3, 0].item<float>(), 6);
    }

    [Fact]
    public void A_split_group_is_refused_with_the_fix()
    {
        var (logProbs, old, advantages, mask, _) = TwoGroups();
        var e = Assert.Throws<ArgumentException>(() => GvpoObjective.Compute(logProbs, old, advantages, mask, tensor(new long[] { 0, 0, 1, 1, 2 })));
        Assert.Contains("group_size", e.Message);
    }

    [Fact]
    public void IsSelectableByNameAndTheGvpoAlgorithmUsesCentredRewards()
    {
        var entry = PolicyLossRegistry.Shared.Find("gvpo");
        Assert.True(entry.PerSequence && entry.NeedsWholeGroups);
        Assert.False(entry.ZeroAdvantageRowsInert);
        var options = LanguageAlgorithms.Options("gvpo");
        Assert.Equal(("drgrpo", "gvpo"), (options.Estimator, options.Loss));
        Assert.Equal(0.1, options.GvpoBeta);
        Assert.Contains("gvpo", LanguageAlgorithms.Names);
    }

    [Theory]
    [InlineData(6, 0, "mini_batch_size")]
    [InlineData(0, 6, "micro_batch_size")]
    public void Batch_sizes_that_split_groups_are_refused_by_name(int mini, int micro, string key)
    {
        var options = LanguageAlgorithms.Options("gvpo", new GroupTrainerOptions { GroupSize = 4, MiniBatchSize = mini, MicroBatchSize = micro });
        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(key, e.Message);
        (options with { MiniBatchSize = 8, MicroBatchSize = 4 }).Validate();
    }
}
