namespace PolicyGradient.Core;

/// <summary>
/// What one update reports: counters plus named scalars. Standard keys (use them so progress.csv,
/// TensorBoard and plots line up across algorithms): "episode_return_mean", "episode_length_mean",
/// "policy_loss", "value_loss", "entropy", "approx_kl", "clip_fraction", "explained_variance",
/// "learning_rate", "clip_range", "grad_norm", "sps". Missing keys are simply absent.
/// </summary>
public sealed class UpdateMetrics
{
    /// <summary>Environment steps so far.</summary>
    public long Timesteps { get; init; }

    /// <summary>Updates so far (this one included).</summary>
    public int Updates { get; init; }

    /// <summary>Wall-clock seconds since training started (excluding time before a resume).</summary>
    public double WallSeconds { get; init; }

    /// <summary>
    /// Wall-clock seconds of the run before this session (the time recorded in the checkpoint a resume
    /// started from); set by the run layer, 0 outside it. <see cref="WallSeconds"/> + this = the run's total.
    /// </summary>
    public double WallSecondsBefore { get; set; }

    /// <summary>Named scalar values.</summary>
    public Dictionary<string, double> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>Returns of the episodes that ended since the previous update.</summary>
    public List<double> EpisodeReturns { get; } = [];

    /// <summary>Lengths of the episodes that ended since the previous update.</summary>
    public List<int> EpisodeLengths { get; } = [];
}
