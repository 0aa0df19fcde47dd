using System.Globalization;

namespace PolicyGradient.Diagnostics;

/// <summary>The advantage (Ψ_t) an estimator multiplies the score ∇θ log π(a_t|s_t) with.</summary>
public enum GradientEstimatorKind
{
    /// <summary>Ψ_t = G_t, the discounted return-to-go (REINFORCE without a baseline; Williams 1992).</summary>
    MonteCarlo,

    /// <summary>Ψ_t = G_t − Ḡ, with Ḡ the batch's mean return-to-go (a constant baseline).</summary>
    MonteCarloMeanBaseline,

    /// <summary>Ψ_t = G_t − V(s_t), the run's learned critic as a state-dependent baseline.</summary>
    MonteCarloValueBaseline,

    /// <summary>Ψ_t = GAE(γ, λ) from the critic (Schulman et al. 2016), bootstrapping truncated episodes from V(s_T).</summary>
    GeneralizedAdvantage,

    /// <summary>
    /// Ψ_t = G_t − b_k per parameter k, with the variance-minimizing constant baseline
    /// b_k = Σ_t g_tk² G_t / Σ_t g_tk² estimated from the batch (Greensmith, Bartlett and Baxter 2004; Peters and Schaal 2008).
    /// </summary>
    OptimalBaseline,

    /// <summary>
    /// The gae:1 advantage reweighted by importance ratios π/μ, from episodes a behaviour policy μ (the policy
    /// <see cref="GradientEstimatorSpec.Lag"/> updates earlier) played: <see cref="ImportanceWeighting"/>.
    /// </summary>
    ImportanceSampled,
}

/// <summary>
/// One estimator by name: <c>mc</c>, <c>mc-mean</c>, <c>mc-value</c>, <c>gae:&lt;λ&gt;</c> (e.g. gae:0.95), <c>optimal</c>,
/// or <c>is:&lt;k&gt;</c> / <c>is-traj:&lt;k&gt;</c> (per-decision / per-trajectory importance weights, batches from the policy k updates earlier).
/// </summary>
/// <param name="Name">The canonical name.</param>
/// <param name="Kind">The advantage it uses.</param>
/// <param name="Lambda">λ of a GAE estimator.</param>
/// <param name="Lag">k of an importance-sampled estimator: its batches come from the policy k updates earlier (0: the current one).</param>
/// <param name="PerTrajectory">An importance-sampled estimator's weights: the whole episode's product (true) or per decision (false).</param>
public sealed record GradientEstimatorSpec(string Name, GradientEstimatorKind Kind, double Lambda = 1.0, int Lag = 0, bool PerTrajectory = false)
{
    /// <summary>The names <see cref="Parse"/> accepts.</summary>
    public const string Accepted = "mc, mc-mean, mc-value, gae:<lambda in [0, 1]> (e.g. gae:0.95), optimal, is:<k> or is-traj:<k> (k >= 0 updates earlier)";

    /// <summary>The default list: the textbook ladder from no baseline to GAE, and the optimal baseline.</summary>
    public const string DefaultList = "mc,mc-mean,mc-value,optimal,gae:1,gae:0.95,gae:0.8";

    /// <summary>Parses one name.</summary>
    /// <exception cref="ArgumentException">An unknown name or a λ outside [0, 1], naming the accepted forms.</exception>
    public static GradientEstimatorSpec Parse(string name)
    {
        string n = name.Trim().ToLowerInvariant();
        switch (n)
        {
            case "mc": return new(n, GradientEstimatorKind.MonteCarlo);
            case "mc-mean": return new(n, GradientEstimatorKind.MonteCarloMeanBaseline);
            case "mc-value": return new(n, GradientEstimatorKind.MonteCarloValueBaseline);
            case "optimal": return new(n, GradientEstimatorKind.OptimalBaseline);
        }
        if (n.StartsWith("gae:", StringComparison.Ordinal)
            && double.TryParse(n.AsSpan(4), NumberStyles.Float, CultureInfo.InvariantCulture, out double lambda))
        {
            if (lambda is < 0 or > 1) throw new ArgumentException($"estimator '{name}': λ must lie in [0, 1]");
            return new("gae:" + lambda.ToString("R", CultureInfo.InvariantCulture), GradientEstimatorKind.GeneralizedAdvantage, lambda);
        }
        foreach (var (prefix, perTrajectory) in new[] { ("is:", false), ("is-traj:", true) })
        {
            if (!n.StartsWith(prefix, StringComparison.Ordinal)) continue;
            if (!int.TryParse(n.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int lag))
                throw new ArgumentException($"estimator '{name}': k must be a whole number of updates >= 0, e.g. {prefix}1");
            return new(prefix + lag.ToString(CultureInfo.InvariantCulture), GradientEstimatorKind.ImportanceSampled, Lag: lag, PerTrajectory: perTrajectory);
        }
        throw new ArgumentException($"unknown estimator '{name}' (accepted: {Accepted})");
    }

    /// <summary>Parses a comma-separated list; duplicates are dropped.</summary>
    public static IReadOnlyList<GradientEstimatorSpec> ParseList(string list)
    {
        var specs = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse)
            .DistinctBy(s => s.Name).ToList();
        if (specs.Count == 0) throw new ArgumentException($"the estimator list is empty (accepted: {Accepted})");
        return specs;
    }
}
