namespace PolicyGradient.Language.Training;

/// <summary>The per-token policy loss of the group trainer.</summary>
public enum PolicyLossKind
{
    /// <summary>PPO clip with ε_low / ε_high and optional dual clip (GRPO, DAPO; ClippedSurrogateObjective).</summary>
    PpoClip,
    /// <summary>GSPO's sequence-level ratio (GspoObjective).</summary>
    Gspo,
    /// <summary>CISPO's stop-gradient clipped IS weight (CispoObjective).</summary>
    Cispo,
    /// <summary>Plain REINFORCE: −A·log π (PolicyGradientLoss).</summary>
    Reinforce,
}
