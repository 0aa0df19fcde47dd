using PolicyGradient.Algorithms;
using PolicyGradient.Core;

namespace PolicyGradient.Training.Callbacks;

/// <summary>
/// Stops training at the first update whose metrics (losses, KL, entropy, returns, gradient norm…)
/// contain NaN or ±∞, recording which metric and at which step. The run layer then keeps the last
/// good checkpoint (no checkpoint is written after divergence) and exits with code 1.
/// </summary>
public sealed class DivergenceGuardCallback(string envId) : ITrainingCallback
{
    /// <summary>Why training stopped, or null while healthy.</summary>
    public string? Failure { get; private set; }

    /// <summary>True until a non-finite value is seen.</summary>
    public bool Healthy => Failure is null;

    /// <inheritdoc />
    public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics)
    {
        if (Failure is not null) return false;
        foreach (var (key, value) in metrics.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            if (!double.IsFinite(value))
            {
                Failure = $"{algorithm.Name} on {envId} diverged: metric '{key}' is {value} at timestep {metrics.Timesteps} (update {metrics.Updates}); " +
                          "the last good checkpoint is kept. Try a lower learning_rate or max_grad_norm.";
                return false;
            }
        for (int i = 0; i < metrics.EpisodeReturns.Count; i++)
            if (!double.IsFinite(metrics.EpisodeReturns[i]))
            {
                Failure = $"{algorithm.Name} on {envId}: an episode return is {metrics.EpisodeReturns[i]} at timestep {metrics.Timesteps} (the environment produced a non-finite reward); the last good checkpoint is kept.";
                return false;
            }
        return true;
    }
}
