namespace PolicyGradient.Environments;

/// <summary>
/// A registered environment: its id, how to construct it, and Gymnasium's registration metadata.
/// </summary>
/// <param name="Id">Id such as "CartPole-v1".</param>
/// <param name="Factory">Builds the unwrapped env from keyword arguments (may be empty).</param>
/// <param name="MaxEpisodeSteps">Time limit applied by <see cref="Envs.Make"/> (null: none).</param>
/// <param name="RewardThreshold">Return at which the task counts as solved (null: none).</param>
/// <param name="Description">One line for <c>pg envs</c>.</param>
public sealed record EnvSpec(
    string Id,
    Func<IReadOnlyDictionary<string, object>, IEnv> Factory,
    int? MaxEpisodeSteps = null,
    double? RewardThreshold = null,
    string Description = "");
