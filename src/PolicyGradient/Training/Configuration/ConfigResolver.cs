using PolicyGradient.Algorithms;

namespace PolicyGradient.Training.Configuration;

/// <summary>
/// Resolves a run's configuration in the documented order — record defaults &lt; preset &lt; --config
/// file &lt; --set (&lt; command-line shorthands such as --timesteps) — and validates it completely.
/// </summary>
public static class ConfigResolver
{
    /// <summary>Keys a config file may carry that name the run rather than configure it.</summary>
    static readonly string[] IdentityKeys = ["algorithm", "env_id"];

    /// <summary>
    /// The key under which the run layer records, in a run's config.yaml, the compute backend that ran
    /// (<see cref="PolicyGradient.Core.ILearner.Backend"/>). It reports, it does not configure: reading the
    /// file back (resume, eval, --config) ignores it, and it is not part of the configuration hash.
    /// </summary>
    public const string ResolvedBackendKey = "resolved_backend";

    /// <summary>Resolves and validates; throws with every problem listed when anything is wrong.</summary>
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
        var layers = new List<ConfigLayer>();
        if (usePreset && Presets.Find(descriptor.Name, envId) is { } preset) layers.Add(preset);
        var problems = new List<string>();
        if (configFile is not null)
        {
            var file = ConfigLayer.FromYamlFile(configFile, $"--config {configFile}");
            layers.Add(StripIdentity(file, descriptor.Name, envId, problems));
        }
        layers.Add(ConfigLayer.FromSetFlags(setFlags));
        if (overrides is not null) layers.Add(overrides);
        var bound = ConfigBinder.BindMany([typeof(RunOptions), descriptor.OptionsType], ConfigBinder.Merge(layers), problems);
        if (problems.Count > 0) throw new ConfigurationException(problems);
        return new ResolvedConfig(descriptor.Name, envId, (RunOptions)bound[0], bound[1]);
    }

    /// <summary>Removes algorithm/env_id from a config file, checking that they match the command line.</summary>
    static ConfigLayer StripIdentity(ConfigLayer file, string algorithm, string envId, List<string> problems)
    {
        var kept = new ConfigLayer(file.Source);
        foreach (var (k, v) in file.Entries)
        {
            if (k == ResolvedBackendKey) continue;
            if (!IdentityKeys.Contains(k)) { kept.Set(k, v); continue; }
            string given = ConfigValues.Show(v), expected = k == "algorithm" ? algorithm : envId;
            if (!string.Equals(given, expected, k == "algorithm" ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
                problems.Add($"{k}: the config file is for '{given}' but the command line says '{expected}' ({file.Source})");
        }
        return kept;
    }

    /// <summary>Reads a run folder's config.yaml back (no preset: the file is complete).</summary>
    /// <exception cref="ConfigurationException">Missing or invalid file.</exception>
    public static ResolvedConfig FromRunConfig(string configYamlPath, IEnumerable<string>? setFlags = null, ConfigLayer? overrides = null)
    {
        if (!File.Exists(configYamlPath)) throw new ConfigurationException([$"{configYamlPath}: not found (is this a run folder made by pg train?)"]);
        var layer = ConfigLayer.FromYamlFile(configYamlPath, configYamlPath);
        string? algo = null, env = null;
        foreach (var (k, v) in layer.Entries)
        {
            if (k == "algorithm") algo = ConfigValues.Show(v);
            if (k == "env_id") env = ConfigValues.Show(v);
        }
        if (algo is null || env is null) throw new ConfigurationException([$"{configYamlPath}: missing 'algorithm' or 'env_id'"]);
        return Resolve(algo, env, configYamlPath, setFlags ?? [], overrides, usePreset: false);
    }
}
