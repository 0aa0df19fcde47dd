using PolicyGradient.Diagnostics;

namespace PolicyGradient.Tests.Diagnostics;

/// <summary>The sampling error D_KL(π_D ‖ π) on hand-computed batches.</summary>
public class SamplingErrorTests
{
    [Fact]
    public void A_state_independent_policy_gives_the_kl_of_the_empirical_action_frequencies()
    {
        // π = (0.5, 0.5) at every state, actions 0, 0, 0, 1: π_D = (3/4, 1/4), KL = ¾ ln(¾/½) + ¼ ln(¼/½).
        float[] probabilities = [0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f];
        double expected = 0.75 * Math.Log(1.5) + 0.25 * Math.Log(0.5);
        Assert.Equal(expected, SamplingError.Categorical(probabilities, [0, 0, 0, 1], 2), 12);
        Assert.Equal(0.130812035941137, expected, 12);
    }

    [Fact]
    public void An_action_never_taken_leaves_the_empirical_policy_and_the_error_is_log_of_the_missing_mass()
    {
        // Only action 0 of (0.5, 0.5) taken: π_D = (1, 0), KL = ln 2.
        float[] probabilities = [0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f];
        Assert.Equal(Math.Log(2), SamplingError.Categorical(probabilities, [0, 0, 0], 2), 12);
    }

    [Fact]
    public void A_batch_whose_counts_match_the_policys_expected_counts_has_no_sampling_error()
    {
        // Two states: π(·|s1) = (0.8, 0.2) took 0, π(·|s2) = (0.2, 0.8) took 1. Expected counts (1, 1) = counts:
        // π_D = π (the per-state one-hot KL, −ln 0.8 per state, would call this batch wrong).
        float[] probabilities = [0.8f, 0.2f, 0.2f, 0.8f];
        Assert.Equal(0, SamplingError.Categorical(probabilities, [0, 1], 2), 9);
    }

    [Fact]
    public void The_error_is_the_largest_mean_log_likelihood_ratio_over_the_offset_family()
    {
        // At the maximum-likelihood offsets, D = (1/N) Σ_t ln π_D(a_t|s_t)/π(a_t|s_t); no other offsets beat it,
        // and a brute-force search over b (b_2 = 0 fixes the free constant) reaches it.
        float[] probabilities = [0.6f, 0.3f, 0.1f, 0.2f, 0.5f, 0.3f, 0.1f, 0.1f, 0.8f, 0.3f, 0.3f, 0.4f, 0.5f, 0.25f, 0.25f];
        int[] actions = [0, 0, 2, 0, 1];
        double d = SamplingError.Categorical(probabilities, actions, 3);
        double best = double.NegativeInfinity;
        for (double b0 = -3; b0 <= 3; b0 += 0.01)
            for (double b1 = -3; b1 <= 3; b1 += 0.01)
            {
                double ratio = MeanLogLikelihoodRatio(probabilities, actions, [b0, b1, 0]);
                Assert.True(ratio <= d + 1e-12, $"offsets ({b0}, {b1}) reach {ratio} > {d}");
                best = Math.Max(best, ratio);
            }
        Assert.True(d - best < 1e-3, $"grid best {best}, iterative scaling {d}");
        Assert.True(d > 0.05);
    }

    static double MeanLogLikelihoodRatio(float[] probabilities, int[] actions, double[] bias)
    {
        int a = bias.Length;
        double sum = 0;
        for (int t = 0; t < actions.Length; t++)
        {
            double z = 0;
            for (int j = 0; j < a; j++) z += probabilities[t * a + j] * Math.Exp(bias[j]);
            sum += bias[actions[t]] - Math.Log(z);
        }
        return sum / actions.Length;
    }

    [Fact]
    public void On_policy_samples_give_an_error_near_one_over_2n_per_free_parameter()
    {
        // 2N·D is asymptotically χ² with A − 1 degrees of freedom (Wilks): mean 1/(2N) for two actions.
        var random = new Random(11);
        const int n = 20_000;
        var probabilities = new float[2 * n];
        var actions = new int[n];
        for (int t = 0; t < n; t++)
        {
            float p = (float)(0.1 + 0.8 * random.NextDouble());
            (probabilities[2 * t], probabilities[2 * t + 1]) = (p, 1 - p);
            actions[t] = random.NextDouble() < p ? 0 : 1;
        }
        double d = SamplingError.Categorical(probabilities, actions, 2);
        Assert.InRange(d, 0, 10.0 / n);
    }

    [Fact]
    public void Bad_input_names_the_problem()
    {
        var e = Assert.Throws<ArgumentException>(() => SamplingError.Categorical([0.5f, 0.5f], [2], 2));
        Assert.Contains("outside [0, 2)", e.Message);
        e = Assert.Throws<ArgumentException>(() => SamplingError.Categorical([1f, 0f], [1], 2));
        Assert.Contains("probability 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => SamplingError.Gaussian([1f], [0f], [0f], 1));
        Assert.Contains("at least 2 rows", e.Message);
    }

    [Fact]
    public void Gaussian_residuals_with_the_policys_moments_have_no_error()
    {
        // μ = 0, σ = 1: residuals ±1 have mean 0 and variance 1.
        Assert.Equal(0, SamplingError.Gaussian([1f, -1f], [0f, 0f], [0f], 1), 12);
        // Per-row σ = 1 and 2, actions 1 and −2: residuals 1 and −1 again.
        Assert.Equal(0, SamplingError.Gaussian([1f, -2f], [0f, 0f], [0f, (float)Math.Log(2)], 1), 6);
    }

    [Fact]
    public void Gaussian_error_is_the_kl_of_the_fitted_residual_gaussian_to_the_standard_one()
    {
        // μ = 0, σ = 1, actions 2 and 0: m = 1, v = 1, KL = ½ (1 + 1 − 1 − ln 1) = ½.
        Assert.Equal(0.5, SamplingError.Gaussian([2f, 0f], [0f, 0f], [0f], 1), 12);
        // σ = 2: residuals 1 and 0, m = ½, v = ¼, KL = ½ (¼ + ¼ − 1 − ln ¼) = ½ (ln 4 − ½).
        Assert.Equal(0.5 * (Math.Log(4) - 0.5), SamplingError.Gaussian([2f, 0f], [0f, 0f], [(float)Math.Log(2)], 1), 6);
        // Two dimensions add: the first as above (½), the second matched (0); rows [2, 1], [0, −1].
        Assert.Equal(0.5, SamplingError.Gaussian([2f, 1f, 0f, -1f], [0f, 0f, 0f, 0f], [0f, 0f], 2), 12);
    }
}
