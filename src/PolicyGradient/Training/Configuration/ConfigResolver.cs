using PolicyGradient.Algorithms;

namespace PolicyGradient.Training.Configuration;

/// <summary>
/// Resolves a run's configuration in the documented order — record defaults &lt; the kind's base layers
/// (presets; for language runs the algorithm's definition first) &lt; --config file &lt; --set (&lt;
/// command-line shorthands such as --timesteps) — and validates it completely. One resolver for
/// every kind of run (<see cref="ConfigKind"/>); <see cref="Resolve(string, string, string?, IEnumerable{string}, ConfigLayer?, bool)"/>
/// is the environment runs'.
/// </summary>
public static class ConfigResolver
{
    /// <summary>
    /// The key under which the run layer records, in a run's config.yaml, the compute backend that ran
    /// (<see cref="PolicyGradient.Core.ILearner.Backend"/>). It reports, it does not configure: reading the
    /// file back (resume, eval, --config) ignores it, and it is not part of the configuration hash.
    /// </summary>
    public const string ResolvedBackendKey = "resolved_backend";

    /// <summary>Resolves and validates an environment run; throws with every problem listed when anything is wrong.</summary>
    /// <param name="algorithm">Registered algorithm name.</param>
    /// <param name="envId">Environment id (its existence is checked by the caller when making it).</param>
    /// <param name="configFile">Optional YAML file path.</param>
    /// <param name="setFlags">--set key=value flags.</param>
    /// <param name="overrides">Highest-priority layer (command-line shorthands), may be null.</param>
    /// <param name="usePreset">False to skip the preset (e.g. when reading back a run's config.yaml).</param>
    /// <exception cref="ConfigurationException">Every problem found, one line each.</exception>
    /// <exception cref="ArgumentException">Unknown algorithm.</exception>
    public static ResolvedConfig Resolve(string algorithm, string envId, string? configFile, IEnumerable<string> setFlags,
        ConfigLayer? overrides = null, bool usePreset = true)
    {
        var descriptor = AlgorithmRegistry.Get(algorithm);
        var presets = usePreset && Presets.Find(descriptor.Name, envId) is { } preset ? new[] { preset } : [];
        return Resolve(ConfigKind.Environment, descriptor.Name, envId, descriptor.OptionsType, presets, configFile, setFlags, overrides,
            // Off-policy runs: learning_starts must lie below n_timesteps (a run-level key).
            (config, _) => config.Options is OffPolicyOptions offPolicy ? offPolicy.ValidateRunLength(config.Run.NTimesteps) : []);
    }

    /// <summary>Resolves and validates a configuration of any kind; every problem is listed at once.</summary>
    /// <param name="kind">The kind of configuration.</param>
    /// <param name="algorithm">Algorithm name (canonical spelling).</param>
    /// <param name="targetId">Environment or task id (canonical spelling).</param>
    /// <param name="optionsType">The algorithm's options record.</param>
    /// <param name="baseLayers">Layers under the config file, in order (presets, an algorithm's definition).</param>
    /// <param name="configFile">Optional YAML file; its algorithm and target keys must match.</param>
    /// <param name="setFlags">--set key=value flags.</param>
    /// <param name="overrides">Highest-priority layer (command-line shorthands), may be null.</param>
    /// <param name="check">Further rules of the kind, given the bound configuration and each key's source; returns problems.</param>
    /// <exception cref="ConfigurationException">Unknown keys (with the closest), wrong types, out-of-range or inconsistent values.</exception>
    public static ResolvedConfig Resolve(ConfigKind kind, string algorithm, string targetId, Type optionsType, IEnumerable<ConfigLayer> baseLayers,
        string? configFile, IEnumerable<string> setFlags, ConfigLayer? overrides = null,
        Func<ResolvedConfig, IReadOnlyList<(string Key, string Source)>, IEnumerable<string>>? check = null)
    {
        var layers = new List<ConfigLayer>(baseLayers);
        var problems = new List<string>();
        if (configFile is not null)
            layers.Add(StripIdentity(kind, ConfigLayer.FromYamlFile(configFile, $"--config {configFile}"), algorithm, targetId, problems));
        layers.Add(ConfigLayer.FromSetFlags(setFlags));
        if (overrides is not null) layers.Add(overrides);
        var merged = ConfigBinder.Merge(layers);
        var bound = ConfigBinder.BindMany([kind.RunOptionsType, optionsType], merged, problems);
        var config = new ResolvedConfig(kind, algorithm, targetId, bound[0], bound[1]);
        if (check is not null) problems.AddRange(check(config, merged.Select(m => (m.Key, m.Source)).ToList()));
        if (problems.Count > 0) throw new ConfigurationException(problems);
        return config;
    }

    /// <summary>Removes the algorithm and target keys (and the recorded backend) from a config file, checking that they match the command line.</summary>
    static ConfigLayer StripIdentity(ConfigKind kind, ConfigLayer file, string algorithm, string targetId, List<string> problems)
    {
        var kept = new ConfigLayer(file.Source);
        foreach (var (k, v) in file.Entries)
        {
            if (k == ResolvedBackendKey) continue;
            if (k != "algorithm" && k != kind.TargetKey) { kept.Set(k, v); continue; }
            bool isAlgorithm = k == "algorithm";
            string given = ConfigValues.Show(v), expected = isAlgorithm ? algorithm : targetId;
            if (!string.Equals(given, expected, isAlgorithm || kind.TargetIgnoresCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
                problems.Add($"{k}: the config file is for '{given}' but the command line says '{expected}' ({file.Source})");
        }
        return kept;
    }

    /// <summary>The algorithm and the <paramref name="targetKey"/> value of a config.yaml, or null when either is missing (or the file is).</summary>
    /// <exception cref="ConfigurationException">The file is not valid YAML.</exception>
    public static (string Algorithm, string TargetId)? ReadIdentity(string configYamlPath, string targetKey)
    {
        if (!File.Exists(configYamlPath)) return null;
        string? algo = null, target = null;
        foreach (var (k, v) in ConfigLayer.FromYamlFile(configYamlPath, configYamlPath).Entries)
        {
            if (k == "algorithm") algo = ConfigValues.Show(v);
            if (k == targetKey) target = ConfigValues.Show(v);
        }
        return algo is null || target is null ? null : (algo, target);
    }

    /// <summary>Reads an environment run folder's config.yaml back (no preset: the file is complete).</summary>
    /// <exception cref="ConfigurationException">Missing or invalid file.</exception>
    public static ResolvedConfig FromRunConfig(string configYamlPath, IEnumerable<string>? setFlags = null, ConfigLayer? overrides = null)
    {
        if (!File.Exists(configYamlPath)) throw new ConfigurationException([$"{configYamlPath}: not found (is this a run folder made by pg train?)"]);
        var (algo, env) = ReadIdentity(configYamlPath, ConfigKind.Environment.TargetKey)
            ?? throw new ConfigurationException([$"{configYamlPath}: missing 'algorithm' or 'env_id'"]);
        return Resolve(algo, env, configYamlPath, setFlags ?? [], overrides, usePreset: false);
    }
}
