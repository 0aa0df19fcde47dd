using PolicyGradient.Algorithms;
using PolicyGradient.Core;

namespace PolicyGradient.Training.Callbacks;

/// <summary>
/// Stops training at the first update whose metrics (losses, KL, entropy, returns, gradient norm…)
/// contain NaN or ±∞, recording which metric and at which step. The run layer then keeps the last
/// good checkpoint (no checkpoint is written after divergence) and exits with code 1.
/// </summary>
/// <param name="envId">The environment (or language task) id named in the message.</param>
public sealed class DivergenceGuardCallback(string envId) : IRunCallback
{
    /// <summary>Why training stopped, or null while healthy.</summary>
    public string? Failure { get; private set; }

    /// <summary>True until a non-finite value is seen.</summary>
    public bool Healthy => Failure is null;

    /// <inheritdoc />
    public bool OnUpdateEnd(ILearner learner, UpdateMetrics metrics)
    {
        if (Failure is not null) return false;
        foreach (var (key, value) in metrics.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            if (!double.IsFinite(value))
            {
                Failure = $"{learner.Name} on {envId} diverged: metric '{key}' is {value} at {Unit(learner)} {metrics.Timesteps} (update {metrics.Updates}); " +
                          "the last good checkpoint is kept. Try a lower learning_rate or max_grad_norm.";
                return false;
            }
        for (int i = 0; i < metrics.EpisodeReturns.Count; i++)
            if (!double.IsFinite(metrics.EpisodeReturns[i]))
            {
                Failure = $"{learner.Name} on {envId}: an episode return is {metrics.EpisodeReturns[i]} at {Unit(learner)} {metrics.Timesteps} (the environment produced a non-finite reward); the last good checkpoint is kept.";
                return false;
            }
        return true;
    }

    /// <summary>"timestep" or "step", singular, for the message.</summary>
    static string Unit(ILearner? learner) => learner?.ProgressUnit == "steps" ? "step" : "timestep";
}
