using System.Reflection;
using YamlDotNet.RepresentationModel;

namespace PolicyGradient.Training.Configuration;

/// <summary>
/// Tuned hyperparameters per (algorithm, environment), from rl-baselines3-zoo's hyperparams/*.yml,
/// kept in one YAML file in the repository (Training/Presets/presets.yaml, an embedded resource).
/// </summary>
public static class Presets
{
    const string ResourceName = "PolicyGradient.Training.Presets.presets.yaml";
    static readonly Lazy<Dictionary<(string, string), YamlMappingNode>> Table = new(Load);

    /// <summary>The preset for (algorithm, env) as a config layer, or null when there is none.</summary>
    public static ConfigLayer? Find(string algorithm, string envId)
    {
        if (!Table.Value.TryGetValue((algorithm.ToLowerInvariant(), envId), out var body)) return null;
        var layer = new ConfigLayer($"preset {algorithm.ToLowerInvariant()}/{envId}");
        layer.AddMapping(body, "");
        return layer;
    }

    /// <summary>Every (algorithm, env) pair with a preset.</summary>
    public static IReadOnlyList<(string Algorithm, string EnvId)> All =>
        Table.Value.Keys.OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal).ToList();

    static Dictionary<(string, string), YamlMappingNode> Load()
    {
        using var stream = typeof(Presets).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        var yaml = new YamlStream();
        yaml.Load(new StreamReader(stream));
        var table = new Dictionary<(string, string), YamlMappingNode>();
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root) return table;
        foreach (var (algo, envs) in root.Children)
            foreach (var (env, body) in ((YamlMappingNode)envs).Children)
                table[(((YamlScalarNode)algo).Value!.ToLowerInvariant(), ((YamlScalarNode)env).Value!)] = (YamlMappingNode)body;
        return table;
    }
}
