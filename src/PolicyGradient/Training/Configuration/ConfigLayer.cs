using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PolicyGradient.Training.Configuration;

/// <summary>
/// One source of configuration values (record defaults, a preset, a --config file, --set flags),
/// flattened to dotted snake_case keys ("policy.net_arch") with their raw YAML values. Layers are
/// merged in order, later ones winning, and then bound and validated in one pass.
/// </summary>
public sealed class ConfigLayer
{
    readonly List<KeyValuePair<string, YamlNode>> _entries = [];

    /// <summary>Creates an empty layer described by <paramref name="source"/> (used in messages).</summary>
    public ConfigLayer(string source) => Source = source;

    /// <summary>Where the values came from, e.g. "--config run.yaml" or "preset ppo/CartPole-v1".</summary>
    public string Source { get; }

    /// <summary>Flattened entries in the order they were read.</summary>
    public IReadOnlyList<KeyValuePair<string, YamlNode>> Entries => _entries;

    /// <summary>Adds (or overrides) a dotted key with a raw YAML value.</summary>
    public void Set(string key, YamlNode value)
    {
        _entries.RemoveAll(e => e.Key == key);
        _entries.Add(new(key, value));
    }

    /// <summary>Parses a YAML mapping (a config file or a preset body) into a layer; nested mappings become dotted keys.</summary>
    /// <exception cref="ConfigurationException">Not valid YAML or not a mapping.</exception>
    public static ConfigLayer FromYaml(string yaml, string source)
    {
        var layer = new ConfigLayer(source);
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlException e) { throw new ConfigurationException([$"{source}: not valid YAML at line {e.Start.Line}: {e.Message}"]); }
        // YamlDotNet's scanner throws InvalidOperationException on some malformed input (an unclosed
        // flow sequence followed by more keys, e.g. "n_steps: [64" then "gamma: 0.9").
        catch (InvalidOperationException) { throw new ConfigurationException([$"{source}: not valid YAML (an unclosed '[', '{{' or quote?); write lists as [a, b] and maps as {{k: v}} on one line"]); }
        if (stream.Documents.Count == 0) return layer;
        var root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode { Value: null or "" }) return layer;
        if (root is not YamlMappingNode map) throw new ConfigurationException([$"{source}: expected a mapping of key: value lines at the top level"]);
        layer.AddMapping(map, "");
        return layer;
    }

    /// <summary>Reads a YAML file into a layer (see <see cref="FromYaml"/>).</summary>
    /// <exception cref="ConfigurationException">The file is missing, a folder, unreadable, not valid YAML or not a mapping.</exception>
    public static ConfigLayer FromYamlFile(string path, string source)
    {
        if (Directory.Exists(path)) throw new ConfigurationException([$"{source}: {path} is a folder, not a YAML file"]);
        if (!File.Exists(path)) throw new ConfigurationException([$"{source}: file not found"]);
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ConfigurationException([$"{source}: cannot read {path}: {(e is UnauthorizedAccessException ? "permission denied" : e.Message)}"]); }
        return FromYaml(text, source);
    }

    /// <summary>Adds the entries of a mapping node under a dotted prefix.</summary>
    internal void AddMapping(YamlMappingNode map, string prefix)
    {
        foreach (var (k, v) in map.Children)
        {
            string key = prefix + ((k as YamlScalarNode)?.Value ?? k.ToString());
            if (v is YamlMappingNode inner && inner.Children.Count > 0) AddMapping(inner, key + ".");
            else Set(key, v);
        }
    }

    /// <summary>Parses --set flags ("key=value", the value read as YAML so "[64,64]" is a list).</summary>
    /// <exception cref="ConfigurationException">A flag without '=' or an unparseable value; every bad flag is listed.</exception>
    public static ConfigLayer FromSetFlags(IEnumerable<string> flags)
    {
        var layer = new ConfigLayer("--set");
        var problems = new List<string>();
        foreach (string flag in flags)
        {
            int eq = flag.IndexOf('=');
            if (eq <= 0) { problems.Add($"--set '{flag}': expected key=value, e.g. --set n_steps=64"); continue; }
            string key = flag[..eq].Trim(), text = flag[(eq + 1)..];
            try
            {
                var node = ParseValue(text);
                if (node is YamlMappingNode m && m.Children.Count > 0) layer.AddMapping(m, key + ".");
                else layer.Set(key, node);
            }
            catch (YamlException e) { problems.Add($"--set {key}: '{text}' is not a valid value ({e.Message})"); }
            catch (InvalidOperationException) { problems.Add($"--set {key}: '{text}' is not a valid value (an unclosed '[', '{{' or quote?)"); }
        }
        if (problems.Count > 0) throw new ConfigurationException(problems);
        return layer;
    }

    /// <summary>A raw YAML value from text: flow lists/maps are parsed, anything else is a plain scalar.</summary>
    internal static YamlNode ParseValue(string text)
    {
        string t = text.Trim();
        if (t.StartsWith('[') || t.StartsWith('{'))
        {
            var stream = new YamlStream();
            stream.Load(new StringReader("v: " + t));
            return ((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("v")];
        }
        return new YamlScalarNode(t);
    }

    /// <summary>A layer holding one scalar per key (for command-line shorthands such as --timesteps).</summary>
    public static ConfigLayer FromScalars(string source, IEnumerable<KeyValuePair<string, string>> values)
    {
        var layer = new ConfigLayer(source);
        foreach (var (k, v) in values) layer.Set(k, new YamlScalarNode(v));
        return layer;
    }

    /// <summary>
    /// A layer from dotted keys and their canonical value texts (as <see cref="ConfigBinder.Describe"/> gives
    /// them), e.g. the keys with which code defines an algorithm or a checkpoint's model shape.
    /// </summary>
    /// <exception cref="ConfigurationException">A value text is not valid YAML.</exception>
    public static ConfigLayer FromEntries(string source, IEnumerable<KeyValuePair<string, string>> entries)
    {
        var sb = new System.Text.StringBuilder();
        ResolvedConfig.AppendNested(sb, entries);
        return FromYaml(sb.ToString(), source);
    }

    /// <summary>Invariant text of a long (for <see cref="FromScalars"/>).</summary>
    internal static string Text(long v) => v.ToString(CultureInfo.InvariantCulture);
}
