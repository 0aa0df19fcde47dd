using PolicyGradient.Training.Configuration;
using YamlDotNet.RepresentationModel;
using PolicyGradient.Training;

namespace PolicyGradient.Language.Runs;

/// <summary>
/// Presets of language-model runs per (algorithm, task), from Runs/presets-language.yaml (an
/// embedded resource). Under each algorithm, the task <c>"*"</c> holds defaults for any task; a
/// task's own entry is applied over them. The pseudo-algorithm <c>"rl"</c> holds defaults shared by
/// every RL algorithm (all but sft), applied before the algorithm's own entries.
/// </summary>
public static class LanguagePresets
{
    const string ResourceName = "PolicyGradient.Language.Runs.presets-language.yaml";
    /// <summary>The task key of an algorithm's defaults for any task.</summary>
    public const string AnyTask = "*";
    /// <summary>The algorithm key of the defaults shared by every RL algorithm.</summary>
    public const string AnyRl = "rl";
    static readonly Lazy<Dictionary<(string, string), YamlMappingNode>> Table = new(Load);

    /// <summary>
    /// The preset layers for (algorithm, task), later ones winning: for RL algorithms the shared "rl"
    /// entries first, then the algorithm's; within each, the any-task defaults then the task's own.
    /// Any of them may be absent.
    /// </summary>
    public static IReadOnlyList<ConfigLayer> Find(string algorithm, string taskId)
    {
        string algo = algorithm.ToLowerInvariant();
        var layers = new List<ConfigLayer>();
        foreach (string source in algo == "sft" ? [algo] : new[] { AnyRl, algo })
            foreach (string task in new[] { AnyTask, taskId })
            {
                if (!Table.Value.TryGetValue((source, task), out var body)) continue;
                var layer = new ConfigLayer($"preset {source}/{task}");
                layer.AddMapping(body, "");
                layers.Add(layer);
            }
        return layers;
    }

    /// <summary>Every (algorithm, task) entry, "*" included.</summary>
    public static IReadOnlyList<(string Algorithm, string Task)> All =>
        Table.Value.Keys.OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal).ToList();

    static Dictionary<(string, string), YamlMappingNode> Load()
    {
        using var stream = typeof(LanguagePresets).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        var yaml = new YamlStream();
        yaml.Load(new StreamReader(stream));
        var table = new Dictionary<(string, string), YamlMappingNode>();
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root) return table;
        foreach (var (algo, tasks) in root.Children)
            foreach (var (task, body) in ((YamlMappingNode)tasks).Children)
                table[(((YamlScalarNode)algo).Value!.ToLowerInvariant(), ((YamlScalarNode)task).Value!)] = (YamlMappingNode)body;
        return table;
    }
}
