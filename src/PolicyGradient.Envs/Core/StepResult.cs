namespace PolicyGradient.Environments;

/// <summary>What one <see cref="IEnv.Step"/> returns besides the observation.</summary>
/// <param name="Reward">The reward for this transition.</param>
/// <param name="Terminated">The MDP reached a terminal state: do not bootstrap.</param>
/// <param name="Truncated">The episode was cut (time limit): bootstrap from the observation.</param>
/// <param name="Info">Extra information (may be null; e.g. "episode" statistics at an episode's end).</param>
public readonly record struct StepResult(double Reward, bool Terminated, bool Truncated, IReadOnlyDictionary<string, object>? Info = null)
{
    /// <summary>True when the episode ended for either reason.</summary>
    public bool Done => Terminated || Truncated;
}
