namespace PolicyGradient.Language.Training;

/// <summary>
/// The clip ranges the policy losses read (configuration keys: <c>clip_low</c>, <c>clip_high</c>,
/// <c>dual_clip</c>, <c>log_ratio_clamp</c>). PPO clip uses all four; GSPO, CISPO, GMPO (in log space) and
/// Clip-Cov read ε_low and ε_high. Defaults: verl's (ε = 0.2, clip_ratio_c 3, log-ratio clamp 20).
/// </summary>
public sealed record ClipOptions
{
    /// <summary>Lower clip range ε_low.</summary>
    public double Low { get; init; } = 0.2;
    /// <summary>Upper clip range ε_high (DAPO's clip-higher uses 0.28).</summary>
    public double High { get; init; } = 0.2;
    /// <summary>Dual-clip constant c of PPO clip (Ye et al. 2020): for A &lt; 0 the loss is capped at −c·A.
    /// verl's clip_ratio_c 3; 0 turns it off; otherwise must be &gt; 1.</summary>
    [Core.ConfigKey("dual_clip")]
    public double Dual { get; init; } = 3.0;
    /// <summary>log r is clamped to [−c, c] before exp in PPO clip (verl 20).</summary>
    [Core.ConfigKey("log_ratio_clamp")]
    public double LogRatioClamp { get; init; } = 20;

    /// <summary><see cref="Dual"/> as the losses take it: null when off.</summary>
    internal double? DualOrNull => Dual > 0 ? Dual : null;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad option.</summary>
    internal void Validate()
    {
        if (!(Low >= 0 && Low < 1) || !(High >= 0)) throw new ArgumentException($"Clip.Low (clip_low) must be in [0, 1) and Clip.High (clip_high) ≥ 0, got {Low} and {High}");
        if (Dual != 0 && !(Dual > 1)) throw new ArgumentException($"Clip.Dual (dual_clip) must be > 1 (3 is usual) or 0 for off, got {Dual}");
        if (!(LogRatioClamp > 0)) throw new ArgumentException($"Clip.LogRatioClamp (log_ratio_clamp) must be > 0, got {LogRatioClamp}");
    }
}
