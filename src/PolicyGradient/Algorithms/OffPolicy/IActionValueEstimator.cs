namespace PolicyGradient.Algorithms;

/// <summary>
/// An algorithm with a learned action-value function Q(s, a) (the off-policy critics). Evaluation
/// uses it for the overestimation gauge (Fujimoto et al. 2018, §4.1): the mean over the visited
/// states of Q(s_t, a_t) minus the discounted return G_t = Σ_k γᵏ r_{t+k} actually obtained from there.
/// </summary>
public interface IActionValueEstimator
{
    /// <summary>γ of the returns the critic estimates.</summary>
    double Gamma { get; }

    /// <summary>The critic's estimate Q(s, a) for one raw observation and the env action taken there.</summary>
    double EstimateQ(ReadOnlySpan<float> observation, ReadOnlySpan<float> action);
}
