using PolicyGradient.Algorithms;

namespace PolicyGradient.Training;

/// <summary>
/// The overestimation gauge of evaluation episodes for algorithms with a critic
/// (<see cref="IActionValueEstimator"/>): mean over all visited steps of Q(s_t, a_t) − G_t, where
/// G_t = Σ_k γᵏ r_{t+k} is the discounted return obtained from step t to the episode's end.
/// A time limit cuts G_t short near the end of an episode (the critic bootstraps past it), so the
/// gauge leans positive by about γ^(steps left)·V there. Worked number: γ = 0.5, rewards 1, 1 and
/// Q = 2, 1 → G = 1.5, 1 → mean((2 − 1.5), (1 − 1)) = 0.25.
/// </summary>
internal sealed class QOverestimationGauge(double gamma)
{
    readonly List<(double Q, double Reward)> _episode = [];
    double _sum;
    long _count;

    /// <summary>Records one step: the critic's estimate before it and the reward it gave.</summary>
    public void Add(double q, double reward) => _episode.Add((q, reward));

    /// <summary>Closes the episode: accumulates Q − G over its steps (G computed backwards).</summary>
    public void EndEpisode()
    {
        double g = 0;
        for (int t = _episode.Count - 1; t >= 0; t--)
        {
            g = _episode[t].Reward + gamma * g;
            _sum += _episode[t].Q - g;
            _count++;
        }
        _episode.Clear();
    }

    /// <summary>The mean of Q − G so far (NaN before any step).</summary>
    public double Mean => _count == 0 ? double.NaN : _sum / _count;
}
