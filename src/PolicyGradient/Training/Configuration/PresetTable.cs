using System.Reflection;
using YamlDotNet.RepresentationModel;

namespace PolicyGradient.Training.Configuration;

/// <summary>
/// The one presets loader of every kind of run: a YAML file of algorithm → target (an environment or
/// a task id) → keys, read from an embedded resource. Under an algorithm the target <c>"*"</c> holds
/// its defaults for any target; a target's own entry applies over them; a lookup may chain algorithms
/// (a family's shared entries first, then the algorithm's own). Algorithm names compare
/// case-insensitively, targets exactly.
/// </summary>
public sealed class PresetTable
{
    /// <summary>The target key of an algorithm's defaults for any target.</summary>
    public const string AnyTarget = "*";

    readonly Dictionary<(string, string), YamlMappingNode> _entries;

    PresetTable(Dictionary<(string, string), YamlMappingNode> entries) => _entries = entries;

    /// <summary>Reads the presets file embedded in <paramref name="assembly"/> as <paramref name="resourceName"/>.</summary>
    /// <exception cref="InvalidOperationException">The resource is missing.</exception>
    public static PresetTable FromResource(Assembly assembly, string resourceName)
    {
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"embedded resource {resourceName} is missing");
        var yaml = new YamlStream();
        yaml.Load(new StreamReader(stream));
        var table = new Dictionary<(string, string), YamlMappingNode>();
        if (yaml.Documents.Count > 0 && yaml.Documents[0].RootNode is YamlMappingNode root)
            foreach (var (algo, targets) in root.Children)
                foreach (var (target, body) in ((YamlMappingNode)targets).Children)
                    table[(((YamlScalarNode)algo).Value!.ToLowerInvariant(), ((YamlScalarNode)target).Value!)] = (YamlMappingNode)body;
        return new PresetTable(table);
    }

    /// <summary>The entry of exactly (algorithm, target) as a layer named "preset algorithm/target", or null.</summary>
    public ConfigLayer? Entry(string algorithm, string target)
    {
        string algo = algorithm.ToLowerInvariant();
        if (!_entries.TryGetValue((algo, target), out var body)) return null;
        var layer = new ConfigLayer($"preset {algo}/{target}");
        layer.AddMapping(body, "");
        return layer;
    }

    /// <summary>
    /// The layers for <paramref name="target"/>, later ones winning: for each of <paramref name="algorithms"/>
    /// in order, its any-target defaults then its entry for the target. Any of them may be absent.
    /// </summary>
    public IReadOnlyList<ConfigLayer> Find(IEnumerable<string> algorithms, string target)
    {
        var layers = new List<ConfigLayer>();
        foreach (string algorithm in algorithms)
            foreach (string t in new[] { AnyTarget, target })
                if (Entry(algorithm, t) is { } layer) layers.Add(layer);
        return layers;
    }

    /// <summary>Every (algorithm, target) entry, "*" included, sorted.</summary>
    public IReadOnlyList<(string Algorithm, string Target)> All =>
        _entries.Keys.OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal).ToList();
}
