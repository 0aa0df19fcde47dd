namespace PolicyGradient.Diagnostics;

/// <summary>
/// Sampling error of a batch (PROPS, Zhong et al. 2024; ROS, Zhong et al. 2022): how far the batch's
/// empirical policy π_D is from the policy π that should have produced it, D_KL(π_D ‖ π) averaged over the
/// batch's visited states, (1/N) Σ_t Σ_a π_D(a|s_t) log(π_D(a|s_t) / π(a|s_t)). The paper's π_D is the
/// maximum-likelihood fit of the batch's (s, a) pairs within a family of policies that contains π; its code
/// fits a copy of π's network (feature layers frozen) by gradient ascent. Here the family is π with its
/// output corrected by a per-action offset, whose maximum-likelihood fit is closed form (Box) or a few
/// iterative-scaling steps (Discrete), so every update can afford it:
/// <list type="bullet">
/// <item>Discrete: π_D(a|s) = π(a|s) e^{b_a} / Z(s), Z(s) = Σ_a π(a|s) e^{b_a}. The likelihood is maximal where
/// every action's count n_a equals its expected count Σ_t π_D(a|s_t); generalized iterative scaling
/// (Darroch and Ratcliff 1972) reaches it with b_a ← b_a + log(n_a / Σ_t π_D(a|s_t)). Then
/// D = Σ_a (n_a/N) b_a − (1/N) Σ_t log Z(s_t). An action never taken gets b_a = −∞ (π_D gives it 0).</item>
/// <item>Box (diagonal Gaussian): π_D(a|s) = N(μ(s) + m σ(s), v σ(s)²) per dimension, with m and v the mean and
/// (maximum-likelihood) variance of the standardized residuals z_t = (a_t − μ(s_t)) / σ(s_t); the KL is the
/// same at every state: D = Σ_j ½ (v_j + m_j² − 1 − log v_j).</item>
/// </list>
/// D is 0 exactly when the batch's counts (Discrete) or residual moments (Box) match π's expectation; under
/// on-policy sampling it shrinks like (number of free parameters) / (2N).
/// </summary>
public static class SamplingError
{
    /// <summary>Iterative-scaling steps at most (each is one pass over the batch).</summary>
    public const int MaxIterations = 200;

    // The residual variance is floored here so that a degenerate batch (all residuals equal) gives a large, finite error.
    const double VarianceFloor = 1e-12;

    /// <summary>D_KL(π_D ‖ π) for a Discrete policy.</summary>
    /// <param name="probabilities">π(a|s_t), row-major [N × A] (a masked action has probability 0).</param>
    /// <param name="actions">The action taken at each of the N rows, 0 ≤ a &lt; A.</param>
    /// <param name="actionCount">A.</param>
    /// <exception cref="ArgumentException">Shapes that do not match, an action outside [0, A), or an action taken where π gives it probability 0.</exception>
    public static double Categorical(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> actions, int actionCount)
    {
        int n = actions.Length;
        if (actionCount < 1 || n == 0 || probabilities.Length != n * actionCount)
            throw new ArgumentException($"sampling error needs N × A probabilities for N = {n} actions and A = {actionCount} actions per state, got {probabilities.Length}");
        var counts = new double[actionCount];
        for (int t = 0; t < n; t++)
        {
            int a = actions[t];
            if (a < 0 || a >= actionCount) throw new ArgumentException($"action {a} at row {t} lies outside [0, {actionCount})");
            if (probabilities[t * actionCount + a] <= 0) throw new ArgumentException($"action {a} at row {t} has probability 0 under the policy");
            counts[a]++;
        }
        var bias = new double[actionCount];
        var scale = new double[actionCount];   // e^{b_a}, 0 for an action never taken
        var expected = new double[actionCount];
        for (int a = 0; a < actionCount; a++) bias[a] = counts[a] > 0 ? 0 : double.NegativeInfinity;
        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            for (int a = 0; a < actionCount; a++) scale[a] = Math.Exp(bias[a]);
            ExpectedCounts(probabilities, scale, expected);
            double largest = 0;
            for (int a = 0; a < actionCount; a++)
            {
                if (counts[a] == 0) continue;
                double step = Math.Log(counts[a] / expected[a]);
                bias[a] += step;
                largest = Math.Max(largest, Math.Abs(step));
            }
            if (largest < 1e-12) break;
        }
        double divergence = 0;
        for (int a = 0; a < actionCount; a++) if (counts[a] > 0) divergence += counts[a] / n * bias[a];
        for (int a = 0; a < actionCount; a++) scale[a] = Math.Exp(bias[a]);
        for (int t = 0; t < n; t++) divergence -= Math.Log(Partition(probabilities.Slice(t * actionCount, actionCount), scale)) / n;
        return Math.Max(divergence, 0);
    }

    // Σ_t π_D(a|s_t) for every a, under the offsets' scales e^{b_a}.
    static void ExpectedCounts(ReadOnlySpan<float> probabilities, double[] scale, double[] expected)
    {
        int actionCount = scale.Length, n = probabilities.Length / actionCount;
        Array.Clear(expected);
        for (int t = 0; t < n; t++)
        {
            var row = probabilities.Slice(t * actionCount, actionCount);
            double inverse = 1 / Partition(row, scale);
            for (int a = 0; a < actionCount; a++) expected[a] += row[a] * scale[a] * inverse;
        }
    }

    // Z(s) = Σ_a π(a|s) e^{b_a} (actions never taken have scale 0).
    static double Partition(ReadOnlySpan<float> row, double[] scale)
    {
        double z = 0;
        for (int a = 0; a < row.Length; a++) z += row[a] * scale[a];
        return z;
    }

    /// <summary>D_KL(π_D ‖ π) for a diagonal Gaussian policy.</summary>
    /// <param name="actions">The sampled (unclipped) actions, row-major [N × d].</param>
    /// <param name="means">μ(s_t), [N × d].</param>
    /// <param name="logStds">log σ: [d] (state-independent, as the policies here) or [N × d].</param>
    /// <param name="dimensions">d.</param>
    /// <exception cref="ArgumentException">Shapes that do not match, or fewer than 2 rows.</exception>
    public static double Gaussian(ReadOnlySpan<float> actions, ReadOnlySpan<float> means, ReadOnlySpan<float> logStds, int dimensions)
    {
        if (dimensions < 1 || actions.Length != means.Length || actions.Length % dimensions != 0
            || logStds.Length != dimensions && logStds.Length != actions.Length)
            throw new ArgumentException($"sampling error needs actions and means of shape [N × {dimensions}] and log σ of [{dimensions}] or [N × {dimensions}], got {actions.Length}, {means.Length} and {logStds.Length} values");
        int n = actions.Length / dimensions;
        if (n < 2) throw new ArgumentException($"sampling error of a Gaussian policy needs at least 2 rows, got {n}");
        return GaussianCore(actions, means, logStds, dimensions, perRow: logStds.Length != dimensions);
    }

    static double GaussianCore(ReadOnlySpan<float> actions, ReadOnlySpan<float> means, ReadOnlySpan<float> logStds, int d, bool perRow)
    {
        int n = actions.Length / d;
        double divergence = 0;
        for (int j = 0; j < d; j++)
        {
            double sum = 0, squares = 0;
            for (int t = 0; t < n; t++)
            {
                int i = t * d + j;
                double z = (actions[i] - (double)means[i]) * Math.Exp(-logStds[perRow ? i : j]);
                sum += z;
                squares += z * z;
            }
            double m = sum / n, v = Math.Max(squares / n - m * m, VarianceFloor);
            divergence += 0.5 * (v + m * m - 1 - Math.Log(v));
        }
        return divergence;
    }
}
