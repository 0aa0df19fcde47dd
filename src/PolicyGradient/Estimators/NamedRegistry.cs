namespace PolicyGradient.Estimators;

/// <summary>
/// The name table behind the estimator and policy-loss registries (verl's <c>register_adv_est</c> /
/// <c>register_policy_loss</c> tables): entries by canonical name and aliases, compared through the one
/// <see cref="Normalize"/> rule, with an unknown-name error that names the closest entry and lists all.
/// Thread-safe: users register at start-up while trainers may already look names up.
/// </summary>
/// <typeparam name="T">The entry type.</typeparam>
internal sealed class NamedRegistry<T>(string kind) where T : class
{
    readonly object _gate = new();
    readonly Dictionary<string, (string Name, T Entry)> _byKey = new(StringComparer.Ordinal);

    /// <summary>
    /// Lookup key: lower case without '-', '_', '.' or spaces, so "Dr.GRPO", "dr_grpo" and "drgrpo"
    /// match, and "ppo_clip" matches the "ppoclip" that configurations wrote before losses had names.
    /// </summary>
    public static string Normalize(string name) =>
        new(name.Trim().ToLowerInvariant().Where(c => c is not ('-' or '_' or '.' or ' ')).ToArray());

    /// <summary>
    /// Adds <paramref name="entry"/> under its name and aliases. An entry registered before under the
    /// same name is replaced (its aliases go with it); an alias taken from another entry moves to this one.
    /// </summary>
    public void Register(string name, IEnumerable<string> aliases, T entry)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(entry);
        var keys = aliases.Prepend(name).Select(Normalize).ToList();
        lock (_gate)
        {
            if (_byKey.TryGetValue(keys[0], out var replaced))
                foreach (var key in _byKey.Where(kv => ReferenceEquals(kv.Value.Entry, replaced.Entry)).Select(kv => kv.Key).ToList())
                    _byKey.Remove(key);
            foreach (string key in keys) _byKey[key] = (name, entry);
        }
    }

    /// <summary>Canonical names, sorted.</summary>
    public IReadOnlyList<string> Names
    {
        get { lock (_gate) return Canonical().Select(v => v.Name).Order(StringComparer.Ordinal).ToList(); }
    }

    /// <summary>Entries, sorted by canonical name.</summary>
    public IReadOnlyList<T> Entries
    {
        get { lock (_gate) return Canonical().OrderBy(v => v.Name, StringComparer.Ordinal).Select(v => v.Entry).ToList(); }
    }

    /// <summary>The entries still reachable under their own canonical name.</summary>
    IEnumerable<(string Name, T Entry)> Canonical() => _byKey.Where(kv => kv.Key == Normalize(kv.Value.Name)).Select(kv => kv.Value);

    /// <summary>The entry called <paramref name="name"/> (or one of its aliases), or null.</summary>
    public T? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate) return _byKey.TryGetValue(Normalize(name), out var e) ? e.Entry : null;
    }

    /// <summary>The entry called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message names the closest one and lists all.</exception>
    public T Get(string name) => Find(name) ?? throw Unknown(name);

    /// <summary>"unknown {kind} 'x'; did you mean 'y'? Registered: ..." for <paramref name="name"/>.</summary>
    ArgumentException Unknown(string name)
    {
        var names = Names;
        string? closest = names.MinBy(n => EditDistance(Normalize(name), Normalize(n)));
        return new ArgumentException($"unknown {kind} '{name}'" + (closest is not null ? $"; did you mean '{closest}'?" : "") +
            $" Registered: {string.Join(", ", names)}");
    }

    /// <summary>Levenshtein distance (the registries sit below the environment layer's copy).</summary>
    static int EditDistance(string a, string b)
    {
        var prev = Enumerable.Range(0, b.Length + 1).ToArray();
        var cur = new int[b.Length + 1];
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
