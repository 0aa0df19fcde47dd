namespace PolicyGradient.Policies;

/// <summary>Hidden-layer nonlinearity of an MLP.</summary>
public enum Activation
{
    /// <summary>tanh (SB3's and CleanRL's default for on-policy actor-critics).</summary>
    Tanh,
    /// <summary>max(0, x) (SB3's default for off-policy algorithms).</summary>
    ReLU,
    /// <summary>GELU, x·Φ(x) (exact, erf-based).</summary>
    GELU,
    /// <summary>x·σ(x).</summary>
    SiLU,
    /// <summary>ELU with α = 1.</summary>
    ELU,
}
