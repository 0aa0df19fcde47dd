using PolicyGradient.Estimators;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Estimators;

/// <summary>Outcome-reward advantage estimators against hand-computed values (see each comment).</summary>
public class GroupAdvantageTests
{
    static GroupAdvantageInput Input(float[] scores, long[] groups, int length = 3, float[,]? mask = null, float[]? baseline = null)
    {
        var m = mask is null ? torch.ones(scores.Length, length) : torch.tensor(mask);
        return new GroupAdvantageInput(torch.tensor(scores), torch.tensor(groups), m,
            baseline is null ? null : torch.tensor(baseline));
    }

    static float[] Column0(Tensor advantages) => advantages[.., 0].data<float>().ToArray();

    static void Near(double[] expected, float[] actual, double tol = 1e-6)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"[{i}] expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void Grpo_group_1001_gives_pm_0_8660239_on_every_valid_token()
    {
        using var scope = torch.NewDisposeScope();
        // mean 0.5, unbiased std √(1/3) = 0.5773503; 0.5 / (0.5773503 + 1e-6) = 0.8660239
        var mask = new float[,] { { 1, 1, 0 }, { 1, 0, 0 }, { 1, 1, 1 }, { 0, 0, 0 } };
        var a = GroupRelativeAdvantage.Compute(Input([1, 0, 0, 1], [7, 7, 7, 7], mask: mask));
        Assert.Equal(new long[] { 4, 3 }, a.shape);
        Assert.Equal(ScalarType.Float32, a.dtype);
        var v = a.data<float>().ToArray();
        Near([0.8660239, 0.8660239, 0, -0.8660239, 0, 0, -0.8660239, -0.8660239, -0.8660239, 0, 0, 0], v);
        Assert.False(a.requires_grad);
    }

    [Fact]
    public void Grpo_all_equal_group_is_exactly_zero_even_for_inexact_floats()
    {
        using var scope = torch.NewDisposeScope();
        var a = GroupRelativeAdvantage.Compute(Input([0.1f, 0.1f, 0.1f, 0.7f, 0.7f], [0, 0, 0, 1, 1]));
        Assert.All(a.data<float>().ToArray(), x => Assert.Equal(0f, x));
        var r = LeaveOneOutAdvantage.Compute(Input([0.1f, 0.1f, 0.1f], [0, 0, 0]));
        Assert.All(r.data<float>().ToArray(), x => Assert.Equal(0f, x));
        var o = OptimalBaselineAdvantage.Compute(Input([0.3f, 0.3f], [0, 0], mask: new float[,] { { 1, 0, 0 }, { 1, 1, 1 } }));
        Assert.All(o.data<float>().ToArray(), x => Assert.Equal(0f, x));
    }

    [Fact]
    public void Grpo_is_shift_invariant_in_float32_thanks_to_two_pass_statistics()
    {
        using var scope = torch.NewDisposeScope();
        // One-pass E[x²] − E[x]² in float32 loses everything at 1e4 (ulp of 1e8 is 8); two passes keep ±0.8660239.
        var a = GroupRelativeAdvantage.Compute(Input([10001, 10000, 10000, 10001], [0, 0, 0, 0]));
        Near([0.8660239, -0.8660239, -0.8660239, 0.8660239], Column0(a), 1e-6);
    }

    [Fact]
    public void Grpo_singleton_group_follows_verl_or_returns_zero()
    {
        using var scope = torch.NewDisposeScope();
        // verl: mean 0, std 1 → 0.6 / (1 + 1e-6); Zero policy (TRL) → 0.
        var verl = GroupRelativeAdvantage.Compute(Input([0.6f, 1, 0], [3, 4, 4]));
        Near([0.6 / (1 + 1e-6), 0.7071058, -0.7071058], Column0(verl));
        var zero = GroupRelativeAdvantage.Compute(Input([0.6f, 1, 0], [3, 4, 4]), singleton: SingletonGroupPolicy.Zero);
        Near([0, 0.7071058, -0.7071058], Column0(zero));
    }

    [Fact]
    public void Nan_scores_are_left_out_of_the_statistics_and_get_zero_advantage()
    {
        using var scope = torch.NewDisposeScope();
        // Valid {1, 0}: mean 0.5, std √0.5 → ±0.5/(0.7071068 + 1e-6) = ±0.7071058.
        var a = GroupRelativeAdvantage.Compute(Input([1, float.NaN, 0], [0, 0, 0]));
        Near([0.7071058, 0, -0.7071058], Column0(a));
        Assert.False(a.isnan().any().item<bool>());
        // A group left with one valid member is a singleton.
        var s = GroupRelativeAdvantage.Compute(Input([1, float.NaN], [0, 0]), singleton: SingletonGroupPolicy.Zero);
        Near([0, 0], Column0(s));
    }

    [Fact]
    public void Fully_masked_row_gets_zero_and_does_not_change_the_others()
    {
        using var scope = torch.NewDisposeScope();
        var mask = new float[,] { { 0, 0, 0 }, { 1, 1, 1 }, { 1, 1, 0 }, { 1, 0, 0 } };
        var a = GroupRelativeAdvantage.Compute(Input([1, 0, 0, 1], [0, 0, 0, 0], mask: mask));
        Assert.All(a[0].data<float>().ToArray(), x => Assert.Equal(0f, x));
        Near([-0.8660239, -0.8660239, 0.8660239], Column0(a)[1..]);
    }

    [Fact]
    public void DrGrpo_and_batch_scaling()
    {
        using var scope = torch.NewDisposeScope();
        var dr = GroupRelativeAdvantage.Compute(Input([1, 0, 0, 1], [0, 0, 0, 0]), scaling: GroupRewardScaling.None);
        Near([0.5, -0.5, -0.5, 0.5], Column0(dr));
        // TRL "batch": group means {0.5, 1}; batch std of {1, 0, 1, 1} = 0.5; ε = 1e-4.
        var batch = GroupRelativeAdvantage.Compute(Input([1, 0, 1, 1], [0, 0, 1, 1]), epsilon: 1e-4, scaling: GroupRewardScaling.Batch);
        Near([0.5 / 0.5001, -0.5 / 0.5001, 0, 0], Column0(batch));
    }

    [Fact]
    public void Rloo_leave_one_out_and_singletons()
    {
        using var scope = torch.NewDisposeScope();
        // 1 − (0 + 0 + 1)/3 = 2/3;  0 − (1 + 0 + 1)/3 = −2/3; singleton: raw score (verl rloo) or 0.
        var a = LeaveOneOutAdvantage.Compute(Input([1, 0, 0, 1, 0.4f], [0, 0, 0, 0, 1]));
        Near([2.0 / 3, -2.0 / 3, -2.0 / 3, 2.0 / 3, 0.4], Column0(a));
        var z = LeaveOneOutAdvantage.Compute(Input([0.4f], [1]), SingletonGroupPolicy.Zero);
        Near([0], Column0(z));
    }

    [Fact]
    public void Remax_subtracts_the_greedy_reward_and_sums_token_rewards()
    {
        using var scope = torch.NewDisposeScope();
        var a = GreedyBaselineAdvantage.Compute(Input([1, 0], [0, 1], baseline: [0.5f, 0.5f]));
        Near([0.5, 0.5, 0.5, -0.5, -0.5, -0.5], a.data<float>().ToArray());
        // r̃ = [−0.1, −0.2, 1] → returns [0.7, 0.8, 1.0] → minus 0.5.
        var withKl = GreedyBaselineAdvantage.Compute(new GroupAdvantageInput(
            torch.tensor(new float[] { 1 }), torch.tensor(new long[] { 0 }), torch.ones(1, 3),
            torch.tensor(new float[] { 0.5f }), torch.tensor(new float[,] { { -0.1f, -0.2f, 0 } })));
        Near([0.2, 0.3, 0.5], withKl.data<float>().ToArray());
        Assert.Throws<ArgumentException>(() => GreedyBaselineAdvantage.Compute(Input([1], [0])));
    }

    [Fact]
    public void ReinforcePlusPlus_discounts_then_whitens_over_valid_tokens()
    {
        using var scope = torch.NewDisposeScope();
        // γ = 0.5, row 0 mask [1,1,0] score 1 → returns [0.5, 1]; row 1 score 0 → [0, 0, 0].
        // valid {0.5, 1, 0, 0, 0}: mean 0.3, unbiased var 0.2 → (x − 0.3)/√(0.2 + 1e-8).
        var a = ReinforcePlusPlusAdvantage.Compute(Input([1, 0], [0, 1], mask: new float[,] { { 1, 1, 0 }, { 1, 1, 1 } }), gamma: 0.5);
        Near([0.4472136, 1.5652475, 0, -0.6708204, -0.6708204, -0.6708204], a.data<float>().ToArray());
    }

    [Fact]
    public void ReinforcePlusPlus_baseline_centres_per_group_then_whitens()
    {
        using var scope = torch.NewDisposeScope();
        // centred {0.5, −0.5, 0, 0} over 2 tokens each: mean 0, var 1/7 → ±0.5·√7 = ±1.3228756.
        var a = ReinforcePlusPlusAdvantage.ComputeWithBaseline(Input([1, 0, 1, 1], [0, 0, 1, 1], length: 2));
        Near([1.3228756, 1.3228756, -1.3228756, -1.3228756, 0, 0, 0, 0], a.data<float>().ToArray(), 1e-5);
    }

    [Fact]
    public void Gpg_scales_by_batch_over_nonzero_count()
    {
        using var scope = torch.NewDisposeScope();
        // B = 6, two nonzero scores → α = 3; A = 3·(r − 0.5) in group 0, 0 in group 1.
        var a = GroupPolicyGradientAdvantage.Compute(Input([1, 0, 0, 1, 0, 0], [0, 0, 0, 0, 1, 1]));
        Near([1.5, -1.5, -1.5, 1.5, 0, 0], Column0(a));
    }

    [Fact]
    public void Opo_uses_the_length_weighted_mean_as_baseline()
    {
        using var scope = torch.NewDisposeScope();
        // lengths 1 and 3: b = (1·1 + 3·0)/4 = 0.25.
        var a = OptimalBaselineAdvantage.Compute(Input([1, 0], [0, 0], mask: new float[,] { { 1, 0, 0 }, { 1, 1, 1 } }));
        Near([0.75, 0, 0, -0.25, -0.25, -0.25], a.data<float>().ToArray());
    }

    [Fact]
    public void Bnpo_single_group_is_reinforce_with_mean_baseline()
    {
        using var scope = torch.NewDisposeScope();
        var a = BetaNormalizedAdvantage.Compute(Input([1, 0, 0, 1], [0, 0, 0, 0]));
        Near([0.5, -0.5, -0.5, 0.5], Column0(a));
    }

    [Fact]
    public void Bnpo_two_groups_use_moment_matched_beta_weights()
    {
        using var scope = torch.NewDisposeScope();
        // p = {0.5, 0.75}: m = 0.625, v = 0.03125, m(1−m)/v − 1 = 6.5 → α = 1 + 6.5·0.625/3 = 2.3541667,
        // β = 1 + 6.5·0.375/3 = 1.8125; 1/f(0.5) = 0.6817043, 1/f(0.75) = 0.6913947 (math.lgamma).
        var a = BetaNormalizedAdvantage.Compute(Input([1, 0, 1, 1, 1, 0], [0, 0, 1, 1, 1, 1]));
        Near([0.3408522, -0.3408522, 0.1728487, 0.1728487, 0.1728487, -0.5185460], Column0(a));
        var (alpha, beta) = BetaNormalizedAdvantage.Parameters([0.5, 0.75]);
        Assert.Equal(2.3541667, alpha, 6);
        Assert.Equal(1.8125, beta, 9);
        Assert.Throws<ArgumentException>(() => BetaNormalizedAdvantage.Compute(Input([2, 0], [0, 0])));
    }

    [Fact]
    public void LogGamma_matches_known_values()
    {
        Assert.Equal(0.0, BetaNormalizedAdvantage.LogGamma(1), 12);
        Assert.Equal(Math.Log(24), BetaNormalizedAdvantage.LogGamma(5), 12);
        Assert.Equal(0.5 * Math.Log(Math.PI), BetaNormalizedAdvantage.LogGamma(0.5), 12);
    }

    [Fact]
    public void PassAtK_verl_only_the_best_learns()
    {
        using var scope = torch.NewDisposeScope();
        // best 0.9, second 0.5: 0.4 / (std{0.2, 0.9, 0.5} + 1e-6) = 1.1389864; lone group → 0.
        var a = PassAtKAdvantage.Compute(Input([0.2f, 0.9f, 0.5f, 1], [0, 0, 0, 1]));
        Near([0, 1.1389864, 0, 0], Column0(a), 1e-5);
    }

    [Fact]
    public void PassAtK_analytic_equals_brute_force_over_all_k_subsets()
    {
        using var scope = torch.NewDisposeScope();
        float[] r = [1, 0, 0, 1, 0];
        const int k = 2;
        // Brute force: every k-subset's reward is its max; normalize by the subsets' mean and population
        // std; a response's advantage is the mean normalized reward of the subsets that contain it.
        var subsets = new List<int[]>();
        for (int i = 0; i < r.Length; i++) for (int j = i + 1; j < r.Length; j++) subsets.Add([i, j]);
        var rewards = subsets.Select(s => s.Max(x => (double)r[x])).ToArray();
        double mean = rewards.Average(), sd = Math.Sqrt(rewards.Average(x => (x - mean) * (x - mean)));
        var expected = Enumerable.Range(0, r.Length).Select(i =>
            subsets.Select((s, n) => (s, n)).Where(p => p.s.Contains(i)).Average(p => (rewards[p.n] - mean) / sd)).ToArray();
        var a = PassAtKAdvantage.ComputeAnalytic(Input(r, [0, 0, 0, 0, 0]), k);
        Near(expected, Column0(a), 1e-6);
        Assert.Throws<ArgumentException>(() => PassAtKAdvantage.ComputeAnalytic(Input([1, 0], [0, 0]), 3));
    }

    [Fact]
    public void Registry_finds_built_ins_by_loose_name_and_accepts_user_estimators()
    {
        using var scope = torch.NewDisposeScope();
        var reg = AdvantageEstimatorRegistry.CreateDefault();
        Assert.Contains("grpo", reg.Names);
        Assert.Equal(11, reg.Names.Count);
        var dr = reg.Get("Dr.GRPO")(Input([1, 0], [0, 0]));
        Near([0.5, -0.5], Column0(dr));
        var ex = Assert.Throws<ArgumentException>(() => reg.Get("grpoo"));
        Assert.Contains("rloo", ex.Message);
        reg.Register("constant", i => torch.ones_like(i.ResponseMask));
        Assert.Equal(1f, reg.Get("CONSTANT")(Input([0], [0]))[0, 0].item<float>());
    }

    [Fact]
    public void Shapes_are_checked_with_clear_messages()
    {
        using var scope = torch.NewDisposeScope();
        var bad = new GroupAdvantageInput(torch.ones(3), torch.tensor(new long[] { 0, 0 }), torch.ones(3, 2));
        Assert.Contains("GroupIds", Assert.Throws<ArgumentException>(() => GroupRelativeAdvantage.Compute(bad)).Message);
        var badMask = new GroupAdvantageInput(torch.ones(3), torch.tensor(new long[] { 0, 0, 0 }), torch.ones(2, 2));
        Assert.Throws<ArgumentException>(() => LeaveOneOutAdvantage.Compute(badMask));
    }
}
