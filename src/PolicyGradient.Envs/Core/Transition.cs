namespace PolicyGradient.Environments;

/// <summary>One step's outcome with its own observation array (the allocating convenience API).</summary>
/// <param name="Observation">The observation after the step.</param>
/// <param name="Reward">The reward.</param>
/// <param name="Terminated">The MDP reached a terminal state.</param>
/// <param name="Truncated">The episode was cut.</param>
/// <param name="Info">Extra information, may be null.</param>
public sealed record Transition(float[] Observation, double Reward, bool Terminated, bool Truncated, IReadOnlyDictionary<string, object>? Info);
