namespace PolicyGradient.Environments.Operations.Baselines;

/// <summary>A heuristic policy's best parameters found by simulation, and its return over the evaluation episodes.</summary>
/// <param name="Name">The heuristic: "base-stock", "capped-base-stock" or "echelon-base-stock".</param>
/// <param name="Parameters">Its best parameters, e.g. {"S": 15} or {"S": 16, "r": 7}.</param>
/// <param name="MeanReturn">Mean episode return (minus the total cost of an episode).</param>
/// <param name="StdReturn">Sample standard deviation of the episode returns.</param>
/// <param name="Episodes">Episodes simulated per candidate (the same seeds for every candidate: common random numbers).</param>
/// <param name="MeanEpisodeLength">Mean steps per episode, to turn returns into cost per period.</param>
public sealed record BaselineResult(
    string Name,
    IReadOnlyDictionary<string, int> Parameters,
    double MeanReturn,
    double StdReturn,
    int Episodes,
    double MeanEpisodeLength)
{
    /// <summary>Mean cost per period, -MeanReturn / MeanEpisodeLength (the literature's average cost).</summary>
    public double MeanCostPerPeriod => MeanEpisodeLength > 0 ? -MeanReturn / MeanEpisodeLength : 0;
}
