using System.Security.Cryptography;
using System.Text;

namespace PolicyGradient.Training.Configuration;

/// <summary>
/// A fully resolved, validated run configuration: the algorithm and env, the run options and the
/// algorithm's options record. <see cref="ToYaml"/> writes every key (defaults included), and
/// reading that file back with --config reproduces the same configuration.
/// </summary>
public sealed class ResolvedConfig
{
    internal ResolvedConfig(string algorithm, string envId, RunOptions run, object options)
    {
        Algorithm = algorithm; EnvId = envId; Run = run; Options = options;
    }

    /// <summary>Registered algorithm name.</summary>
    public string Algorithm { get; }

    /// <summary>Registered environment id.</summary>
    public string EnvId { get; }

    /// <summary>Run-level options (timesteps, seed, env kwargs, checkpoints, evaluation).</summary>
    public RunOptions Run { get; }

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
        [.. ConfigBinder.Describe(Run), .. ConfigBinder.Describe(Options)];

    /// <summary>Keys that do not change what a checkpoint contains, so a resume may change them.</summary>
    internal static readonly HashSet<string> HashExcluded =
        new(StringComparer.Ordinal) { "n_timesteps", "checkpoint_every", "checkpoint_minutes", "keep_checkpoints", "eval_freq", "eval_episodes", "stop_reward_threshold", "env_assemblies" };

    /// <summary>
    /// SHA-256 (hex) of the canonical "key=value" lines, sorted, of everything that shapes the
    /// trained state: algorithm, env, seed, env kwargs and every algorithm option.
    /// </summary>
    public string Hash
    {
        get => HashOf([new("algorithm", Algorithm), new("env_id", EnvId)], Entries, HashExcluded);
    }

    /// <summary>
    /// SHA-256 (hex) of the identity lines, then every entry not in <paramref name="excluded"/> sorted by key,
    /// each as <c>key=value\n</c> (shared with the language-model run config).
    /// </summary>
    internal static string HashOf(IEnumerable<KeyValuePair<string, string>> identity, IEnumerable<KeyValuePair<string, string>> entries, IReadOnlySet<string> excluded)
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in identity) sb.Append(k).Append('=').Append(v).Append('\n');
        foreach (var (k, v) in entries.Where(e => !excluded.Contains(e.Key)).OrderBy(e => e.Key, StringComparer.Ordinal))
            sb.Append(k).Append('=').Append(v).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>The configuration as YAML: algorithm, env_id, run keys, then the algorithm's keys (nested records as nested maps).</summary>
    public string ToYaml()
    {
        var sb = new StringBuilder();
        sb.Append("# Fully resolved configuration (defaults < preset < --config < --set).\n");
        sb.Append($"# Reproduce with: pg train {Algorithm} {EnvId} --config config.yaml\n");
        sb.Append("algorithm: ").Append(Algorithm).Append('\n');
        sb.Append("env_id: ").Append(EnvId).Append('\n');
        sb.Append("# run\n");
        AppendNested(sb, ConfigBinder.Describe(Run));
        sb.Append($"# {Algorithm} options\n");
        AppendNested(sb, ConfigBinder.Describe(Options));
        return sb.ToString();
    }

    /// <summary>Writes dotted keys as nested YAML maps (shared with the language-model run config).</summary>
    internal static void AppendNested(StringBuilder sb, List<KeyValuePair<string, string>> entries)
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
