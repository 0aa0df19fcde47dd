using System.Collections.Concurrent;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Environments;

/// <summary>
/// The environment registry (Gymnasium's <c>gymnasium.make</c> / <c>register</c>). Built-in ids are
/// registered on first use; user environments register the same way and are then available to
/// <see cref="Make"/> and to the <c>pg</c> tool.
/// </summary>
/// <remarks>This is the one process-wide table of the library, as in Gymnasium; it is thread-safe.</remarks>
public static class Envs
{
    static readonly ConcurrentDictionary<string, EnvSpec> Table = new(StringComparer.Ordinal);
    static readonly Lazy<bool> BuiltIns = new(() => { BuiltInEnvironments.RegisterAll(); return true; });

    /// <summary>Registers (or replaces) an environment.</summary>
    public static void Register(EnvSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (string.IsNullOrWhiteSpace(spec.Id)) throw new ArgumentException("an environment id must not be empty", nameof(spec));
        Table[spec.Id] = spec;
    }

    /// <summary>Removes a registration (e.g. a test's or a plugin's); true if it existed.</summary>
    public static bool Unregister(string id) => Table.TryRemove(id, out _);

    /// <summary>All registered specs, ordered by id.</summary>
    public static IReadOnlyList<EnvSpec> Registered
    {
        get { _ = BuiltIns.Value; return Table.Values.OrderBy(s => s.Id, StringComparer.Ordinal).ToList(); }
    }

    /// <summary>The spec for <paramref name="id"/>.</summary>
    /// <exception cref="UnknownEnvironmentException">No such id; the message names the closest ids.</exception>
    public static EnvSpec Spec(string id)
    {
        _ = BuiltIns.Value;
        if (Table.TryGetValue(id, out var spec)) return spec;
        throw new UnknownEnvironmentException(id, Closest(id, Table.Keys, 3));
    }

    /// <summary>
    /// Makes a registered environment, wrapped in <see cref="TimeLimit"/> when its spec has a step
    /// limit (override with <paramref name="maxEpisodeSteps"/>; 0 disables it), otherwise in
    /// <see cref="OrderEnforcing"/>; either refuses Step before Reset.
    /// </summary>
    public static IEnv Make(string id, IReadOnlyDictionary<string, object>? kwargs = null, int? maxEpisodeSteps = null)
    {
        var spec = Spec(id);
        IEnv env = spec.Factory(kwargs ?? new Dictionary<string, object>());
        env.Spec = spec;
        int? limit = maxEpisodeSteps ?? spec.MaxEpisodeSteps;
        // Both wrappers refuse Step before Reset (Gymnasium's make adds OrderEnforcing likewise).
        env = limit is int l && l > 0 ? new TimeLimit(env, l) : new OrderEnforcing(env);
        return env;
    }

    /// <summary>The registered ids closest to <paramref name="id"/> by edit distance (case-insensitive).</summary>
    public static IReadOnlyList<string> Closest(string id, IEnumerable<string> candidates, int count) =>
        candidates
            .Select(c => (c, d: EditDistance(id.ToLowerInvariant(), c.ToLowerInvariant())))
            .OrderBy(t => t.d).ThenBy(t => t.c, StringComparer.Ordinal)
            .Take(count).Select(t => t.c).ToList();

    /// <summary>Levenshtein distance.</summary>
    public static int EditDistance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
