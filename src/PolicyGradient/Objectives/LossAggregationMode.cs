namespace PolicyGradient.Objectives;

/// <summary>How a per-element loss [B, L] with a mask is reduced to a scalar (verl's loss_agg_mode).</summary>
public enum LossAggregationMode
{
    /// <summary>Σ m·ℓ / Σ m: every valid token (or transition) weighs the same (verl "token-mean", DAPO).</summary>
    TokenMean,
    /// <summary>Σ m·ℓ: plain masked sum.</summary>
    TokenSum,
    /// <summary>mean over sequences of Σ_t m·ℓ (verl "seq-mean-token-sum").</summary>
    SeqMeanTokenSum,
    /// <summary>mean over sequences of (Σ_t m·ℓ / Σ_t m) (verl "seq-mean-token-mean", the original GRPO).</summary>
    SeqMeanTokenMean,
    /// <summary>mean over sequences of Σ_t m·ℓ / L_max with a constant L_max (Dr. GRPO, Liu et al. 2025).</summary>
    SeqMeanTokenSumNorm,
}
