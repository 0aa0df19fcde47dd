namespace PolicyGradient.Algorithms;

/// <summary>What REINFORCE subtracts from the Monte-Carlo return (Williams 1992; Sutton and Barto 2018 §13.4).</summary>
public enum ReinforceBaseline
{
    /// <summary>No baseline: A_t = G_t.</summary>
    None,
    /// <summary>An exponential running mean of past returns: A_t = G_t − b.</summary>
    RunningMean,
    /// <summary>A learned state value: A_t = G_t − V(s_t), V regressed on G_t.</summary>
    Value,
}
