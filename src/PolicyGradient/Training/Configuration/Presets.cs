namespace PolicyGradient.Training.Configuration;

/// <summary>
/// Tuned hyperparameters per (algorithm, environment), from rl-baselines3-zoo's hyperparams/*.yml,
/// kept in one YAML file in the repository (Training/Presets/presets.yaml, an embedded resource) and
/// read by the run layer's one presets loader (<see cref="PresetTable"/>).
/// </summary>
public static class Presets
{
    const string ResourceName = "PolicyGradient.Training.Presets.presets.yaml";
    static readonly Lazy<PresetTable> Table = new(() => PresetTable.FromResource(typeof(Presets).Assembly, ResourceName));

    /// <summary>The preset for (algorithm, env) as a config layer, or null when there is none.</summary>
    public static ConfigLayer? Find(string algorithm, string envId) => Table.Value.Entry(algorithm, envId);

    /// <summary>Every (algorithm, env) pair with a preset.</summary>
    public static IReadOnlyList<(string Algorithm, string EnvId)> All => Table.Value.All;
}
