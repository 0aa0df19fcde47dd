namespace PolicyGradient.Diagnostics;

/// <summary>
/// Importance-weighted advantages for the off-policy gradient estimators <c>is:&lt;k&gt;</c> and
/// <c>is-traj:&lt;k&gt;</c> (Precup, Sutton and Singh 2000; Jie and Abbeel 2010): an episode played by a behaviour
/// policy μ (the policy k updates earlier) estimates the gradient at the current π with the ratios
/// ρ_t = π(a_t|s_t) / μ(a_t|s_t) and their products ρ_{0:t} = Π_{t' ≤ t} ρ_t'. Both are the gae:1 estimator
/// (returns-to-go minus V(s_t), a truncated episode bootstrapping from V(s_T)) reweighted, so they are
/// unbiased for the same gradient and comparable with it:
/// <list type="bullet">
/// <item>per-decision: Ψ_t = Σ_{t' ≥ t} γ^{t'−t} ρ_{0:t'} r_t' + γ^{T−t} ρ_{0:T−1} V(s_T) − ρ_{0:t} V(s_t): each reward
/// weighted by the actions before it only;</item>
/// <item>per-trajectory: Ψ_t = ρ_{0:T−1} (G_t + γ^{T−t} V(s_T) − V(s_t)): the whole episode's weight on every step.</item>
/// </list>
/// The baseline term keeps its weight ρ_{0:t}, whose expectation given the past makes it mean zero.
/// </summary>
public static class ImportanceWeighting
{
    /// <summary>Per-decision Ψ_t for one episode of length T into <paramref name="advantages"/>; returns the step weights ρ_{0:t} into <paramref name="weights"/>.</summary>
    /// <param name="rewards">r_0..r_{T−1}.</param>
    /// <param name="values">V(s_0)..V(s_{T−1}) under the current critic.</param>
    /// <param name="ratios">ρ_0..ρ_{T−1}.</param>
    /// <param name="bootstrap">V(s_T) after a time-limit truncation, 0 after termination.</param>
    /// <param name="gamma">γ.</param>
    /// <param name="advantages">Ψ_t, T entries (written).</param>
    /// <param name="weights">ρ_{0:t}, T entries (written).</param>
    public static void PerDecision(ReadOnlySpan<float> rewards, ReadOnlySpan<float> values, ReadOnlySpan<float> ratios, double bootstrap,
        double gamma, Span<double> advantages, Span<double> weights)
    {
        int n = Check(rewards, values, ratios, advantages, weights);
        CumulativeProducts(ratios, weights);
        double tail = n == 0 ? 0 : weights[n - 1] * bootstrap;
        for (int t = n - 1; t >= 0; t--)
        {
            tail = weights[t] * rewards[t] + gamma * tail;
            advantages[t] = tail - weights[t] * values[t];
        }
    }

    /// <summary>Per-trajectory Ψ_t for one episode; every step's weight is ρ_{0:T−1}, which is returned.</summary>
    public static double PerTrajectory(ReadOnlySpan<float> rewards, ReadOnlySpan<float> values, ReadOnlySpan<float> ratios, double bootstrap,
        double gamma, Span<double> advantages)
    {
        int n = rewards.Length;
        if (values.Length != n || ratios.Length != n || advantages.Length != n)
            throw new ArgumentException($"an episode needs as many values, ratios and advantages as rewards ({n}), got {values.Length}, {ratios.Length} and {advantages.Length}");
        double weight = 1;
        foreach (float r in ratios) weight *= r;
        double running = bootstrap;
        for (int t = n - 1; t >= 0; t--)
        {
            running = rewards[t] + gamma * running;
            advantages[t] = weight * (running - values[t]);
        }
        return weight;
    }

    /// <summary>Kish's effective sample size (Σ w)² / Σ w² of importance weights: n for equal weights, 1 when one weight dominates; NaN for none.</summary>
    public static double EffectiveSampleSize(ReadOnlySpan<double> weights)
    {
        double sum = 0, squares = 0;
        foreach (double w in weights) { sum += w; squares += w * w; }
        return squares == 0 ? double.NaN : sum * sum / squares;
    }

    static void CumulativeProducts(ReadOnlySpan<float> ratios, Span<double> products)
    {
        double running = 1;
        for (int t = 0; t < ratios.Length; t++) products[t] = running *= ratios[t];
    }

    static int Check(ReadOnlySpan<float> rewards, ReadOnlySpan<float> values, ReadOnlySpan<float> ratios, Span<double> advantages, Span<double> weights)
    {
        int n = rewards.Length;
        if (values.Length != n || ratios.Length != n || advantages.Length != n || weights.Length != n)
            throw new ArgumentException($"an episode needs as many values, ratios, advantages and weights as rewards ({n}), got {values.Length}, {ratios.Length}, {advantages.Length} and {weights.Length}");
        return n;
    }
}
