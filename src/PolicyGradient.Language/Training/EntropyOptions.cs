namespace PolicyGradient.Language.Training;

/// <summary>
/// The group trainer's entropy terms (configuration keys: <c>entropy_coefficient</c>,
/// <c>entropy_top_fraction</c>): an entropy bonus and the "80/20" high-entropy token selection. Defaults: off.
/// </summary>
public sealed record EntropyOptions
{
    /// <summary>Entropy bonus coefficient: the loss adds −c·H (verl entropy_coeff 0).</summary>
    public double Coefficient { get; init; }
    /// <summary>Fraction ρ of valid tokens, the highest-entropy ones in each mini-batch, that the policy loss
    /// trains on (Wang et al. 2025's "80/20" uses 0.2); 1 = all tokens.</summary>
    public double TopFraction { get; init; } = 1.0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad option.</summary>
    internal void Validate()
    {
        if (!(Coefficient >= 0)) throw new ArgumentException($"Entropy.Coefficient (entropy_coefficient) must be ≥ 0, got {Coefficient}");
        if (!(TopFraction > 0 && TopFraction <= 1)) throw new ArgumentException($"Entropy.TopFraction (entropy_top_fraction) must be in (0, 1] (0.2 keeps the top 20 % entropy tokens), got {TopFraction}");
    }
}
