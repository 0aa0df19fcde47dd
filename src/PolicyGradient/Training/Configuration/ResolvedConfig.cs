using System.Security.Cryptography;
using System.Text;

namespace PolicyGradient.Training.Configuration;

/// <summary>
/// A fully resolved, validated run configuration of any kind of run: the algorithm, the target id
/// (an environment id or a language task id, see <see cref="ConfigKind"/>), the run options and the
/// algorithm's options record. <see cref="ToYaml"/> writes every key (defaults included), and
/// reading that file back with --config reproduces the same configuration.
/// </summary>
public sealed class ResolvedConfig
{
    /// <summary>A configuration of known parts; validate it by writing it and reading it back with the kind's resolver.</summary>
    public ResolvedConfig(ConfigKind kind, string algorithm, string targetId, object runOptions, object options)
    {
        if (!kind.RunOptionsType.IsInstanceOfType(runOptions))
            throw new ArgumentException($"run options of type {runOptions.GetType().Name} do not fit this kind of configuration ({kind.RunOptionsType.Name})", nameof(runOptions));
        Kind = kind; Algorithm = algorithm; TargetId = targetId; RunOptions = runOptions; Options = options;
    }

    internal ResolvedConfig(string algorithm, string envId, RunOptions run, object options) : this(ConfigKind.Environment, algorithm, envId, run, options) { }

    /// <summary>What kind of configuration this is (environment or language task).</summary>
    public ConfigKind Kind { get; }

    /// <summary>Registered algorithm name.</summary>
    public string Algorithm { get; }

    /// <summary>The environment id or task id the run trains on.</summary>
    public string TargetId { get; }

    /// <summary>Registered environment id (the <see cref="TargetId"/> of an environment run).</summary>
    public string EnvId => TargetId;

    /// <summary>The run-level options record (<see cref="ConfigKind.RunOptionsType"/>).</summary>
    public object RunOptions { get; }

    /// <summary>Run-level options of an environment run (timesteps, seed, env kwargs, checkpoints, evaluation).</summary>
    /// <exception cref="InvalidOperationException">Another kind of run; read <see cref="RunOptions"/>.</exception>
    public RunOptions Run => RunOptions as RunOptions
        ?? throw new InvalidOperationException($"a {Kind.TargetKey} run has {RunOptions.GetType().Name}, not RunOptions; read RunOptions");

    /// <summary>The algorithm's options record instance.</summary>
    public object Options { get; }

    /// <summary>
    /// Advisory messages from the options record's optional public parameterless <c>Warnings()</c>
    /// method returning <c>IEnumerable&lt;string&gt;</c> (a convention, not an interface: valid but
    /// questionable settings, e.g. a rollout that is not a multiple of the batch size).
    /// </summary>
    public IReadOnlyList<string> Warnings =>
        Options.GetType().GetMethod("Warnings", Type.EmptyTypes) is { } m && typeof(IEnumerable<string>).IsAssignableFrom(m.ReturnType)
            ? ((IEnumerable<string>)m.Invoke(Options, null)!).ToList()
            : [];

    /// <summary>Run keys then algorithm keys, each with its canonical value text.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Entries =>
        [.. ConfigBinder.Describe(RunOptions), .. ConfigBinder.Describe(Options)];

    /// <summary>Keys of environment runs that do not change what a checkpoint contains, so a resume may change them.</summary>
    internal static IReadOnlySet<string> HashExcluded => ConfigKind.Environment.HashExcluded;

    /// <summary>
    /// SHA-256 (hex) of the canonical "key=value" lines, sorted, of everything that shapes the
    /// trained state: algorithm, target, seed, kwargs and every algorithm option (not the keys of <see cref="ConfigKind.HashExcluded"/>).
    /// </summary>
    public string Hash
    {
        get => HashOf([new("algorithm", Algorithm), new(Kind.TargetKey, TargetId)], Entries, Kind.HashExcluded);
    }

    /// <summary>
    /// The hashes a checkpoint of this configuration may carry: <see cref="Hash"/>, and the hash without the
    /// options marked <see cref="PolicyGradient.Core.ConfigAddedLaterAttribute"/> that hold their default (what a
    /// version before those options computed). Resume and load accept any of them.
    /// </summary>
    public IReadOnlyList<string> CompatibleHashes
    {
        get
        {
            var added = AddedLaterAtDefault(RunOptions).Concat(AddedLaterAtDefault(Options)).ToHashSet(StringComparer.Ordinal);
            added.ExceptWith(Kind.HashExcluded);   // never in any hash (e.g. diagnose_every, which only adds progress columns)
            if (added.Count == 0) return [Hash];
            var excluded = new HashSet<string>(Kind.HashExcluded, StringComparer.Ordinal);
            excluded.UnionWith(added);
            return [Hash, HashOf([new("algorithm", Algorithm), new(Kind.TargetKey, TargetId)], Entries, excluded)];
        }
    }

    // Keys of [ConfigAddedLater] options whose value text equals the record's default.
    static IEnumerable<string> AddedLaterAtDefault(object options)
    {
        var marked = ConfigSchema.For(options.GetType()).Fields
            .Where(f => f.Path.Any(p => p.IsDefined(typeof(PolicyGradient.Core.ConfigAddedLaterAttribute), inherit: true)))
            .Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        if (marked.Count == 0 || Activator.CreateInstance(options.GetType()) is not { } defaults) return [];
        var current = ConfigBinder.Describe(options).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        return ConfigBinder.Describe(defaults).Where(e => marked.Contains(e.Key) && current.GetValueOrDefault(e.Key) == e.Value).Select(e => e.Key);
    }

    /// <summary>SHA-256 (hex) of the identity lines, then every entry not in <paramref name="excluded"/> sorted by key, each as <c>key=value\n</c>.</summary>
    internal static string HashOf(IEnumerable<KeyValuePair<string, string>> identity, IEnumerable<KeyValuePair<string, string>> entries, IReadOnlySet<string> excluded)
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in identity) sb.Append(k).Append('=').Append(v).Append('\n');
        foreach (var (k, v) in entries.Where(e => !excluded.Contains(e.Key)).OrderBy(e => e.Key, StringComparer.Ordinal))
            sb.Append(k).Append('=').Append(v).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>The configuration as YAML: algorithm, the target key, run keys, then the algorithm's keys (nested records as nested maps).</summary>
    public string ToYaml()
    {
        var sb = new StringBuilder();
        sb.Append($"# Fully resolved configuration ({Kind.LayerOrder}).\n");
        sb.Append($"# Reproduce with: pg train {Algorithm} {TargetId} --config config.yaml\n");
        sb.Append("algorithm: ").Append(Algorithm).Append('\n');
        sb.Append(Kind.TargetKey).Append(": ").Append(TargetId).Append('\n');
        sb.Append("# run\n");
        AppendNested(sb, ConfigBinder.Describe(RunOptions));
        sb.Append($"# {Algorithm} options\n");
        AppendNested(sb, ConfigBinder.Describe(Options));
        return sb.ToString();
    }

    /// <summary>Writes dotted keys as nested YAML maps.</summary>
    internal static void AppendNested(StringBuilder sb, IEnumerable<KeyValuePair<string, string>> entries)
    {
        string[] open = [];
        foreach (var (key, value) in entries)
        {
            string[] parts = key.Split('.');
            string[] parents = parts[..^1];
            int common = 0;
            while (common < open.Length && common < parents.Length && open[common] == parents[common]) common++;
            for (int i = common; i < parents.Length; i++) sb.Append(new string(' ', 2 * i)).Append(parents[i]).Append(":\n");
            open = parents;
            sb.Append(new string(' ', 2 * parents.Length)).Append(parts[^1]).Append(": ").Append(value).Append('\n');
        }
    }
}
