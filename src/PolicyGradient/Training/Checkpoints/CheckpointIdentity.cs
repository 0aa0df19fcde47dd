namespace PolicyGradient.Training.Checkpoints;

/// <summary>What a checkpoint belongs to; loading compares these with what the caller is about to restore into.</summary>
/// <param name="Algorithm">Algorithm name.</param>
/// <param name="EnvId">Environment id.</param>
/// <param name="ObservationSpace">Observation space, as its ToString() (e.g. "Box(4)").</param>
/// <param name="ActionSpace">Action space, as its ToString().</param>
/// <param name="ConfigHash">SHA-256 of the resolved configuration (<see cref="Configuration.ResolvedConfig.Hash"/>), or null to skip that check.</param>
public sealed record CheckpointIdentity(string Algorithm, string EnvId, string ObservationSpace, string ActionSpace, string? ConfigHash)
{
    /// <summary>Other configuration hashes a checkpoint being loaded may carry and still fit (see <see cref="Configuration.ResolvedConfig.CompatibleHashes"/>).</summary>
    public IReadOnlyList<string> AcceptedConfigHashes { get; init; } = [];

    /// <summary>True when a checkpoint's recorded hash fits this identity (no check when either side has none).</summary>
    public bool AcceptsConfigHash(string? recorded) =>
        ConfigHash is null || recorded is null || recorded == ConfigHash || AcceptedConfigHashes.Contains(recorded);
}
