using System.Globalization;
using PolicyGradient.Environments;
using PolicyGradient.Language.Tasks;

namespace PolicyGradient.Language.Runs;

/// <summary>
/// Task ids and keyword arguments (<c>task.*</c> config keys) for runs: the built-in tasks with
/// their constructor arguments, an unknown id answered with the closest registered ids.
/// </summary>
public static class LanguageTasks
{
    static readonly Dictionary<string, string[]> Kwargs = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Addition-v0"] = ["digits"],
        ["Multiplication-v0"] = ["max_left", "max_right"],
        ["Reverse-v0"] = ["min_length", "max_length"],
        ["Sort-v0"] = ["min_length", "max_length"],
        ["Countdown-v0"] = ["count", "max_number", "max_target", "solution"],
    };

    // The tasks runs can name: the built-ins plus those registered here (e.g. by a pg plug-in).
    static readonly TaskRegistry Registered = TaskRegistry.CreateDefault();
    static readonly Lock Gate = new();

    /// <summary>
    /// Adds (or replaces) a task that runs can name (<c>pg train grpo MyTask-v0</c>), e.g. from a plug-in's
    /// <c>IPlugin.Register()</c>. The task takes no <c>task.*</c> keyword arguments; the factory builds it.
    /// </summary>
    public static void Register(string id, Func<VerifiableTask> factory)
    {
        lock (Gate) Registered.Register(id, factory);
    }

    /// <summary>The task ids runs can name: the built-ins and the registered ones, sorted.</summary>
    public static IReadOnlyList<string> Ids
    {
        get { lock (Gate) return Registered.Ids; }
    }

    static VerifiableTask CreateRegistered(string id)
    {
        lock (Gate) return Registered.Create(id);
    }

    /// <summary>The registered spelling of <paramref name="id"/> (ids compare case-insensitively).</summary>
    /// <exception cref="ArgumentException">Unknown id; the message names the closest ids.</exception>
    public static string Canonical(string id, TaskRegistry? registry = null)
    {
        var ids = registry?.Ids ?? Ids;
        var match = ids.FirstOrDefault(i => string.Equals(i, id, StringComparison.OrdinalIgnoreCase));
        if (match is not null) return match;
        var closest = Envs.Closest(id, ids, 3);
        throw new ArgumentException($"unknown task '{id}'" + (closest.Count > 0 ? $"; did you mean {string.Join(" or ", closest.Select(c => $"'{c}'"))}?" : "")
            + $" (tasks: {string.Join(", ", ids)})");
    }

    /// <summary>The <c>task.*</c> keyword arguments that task <paramref name="id"/> takes (none for an unknown or plug-in task).</summary>
    public static IReadOnlyList<string> Arguments(string id) => Kwargs.GetValueOrDefault(id, []);

    /// <summary>A new instance of task <paramref name="id"/> built with <paramref name="kwargs"/>.</summary>
    /// <exception cref="ArgumentException">Unknown id, unknown keyword or a value that is not a whole number.</exception>
    public static VerifiableTask Create(string id, IReadOnlyDictionary<string, object>? kwargs = null, TaskRegistry? registry = null)
    {
        string name = Canonical(id, registry);
        kwargs ??= new Dictionary<string, object>();
        var known = Kwargs.GetValueOrDefault(name, []);
        foreach (string k in kwargs.Keys)
            if (!known.Contains(k))
                throw new ArgumentException($"task.{k}: {name} takes no such argument; " + (known.Length > 0 ? $"known: {string.Join(", ", known.Select(x => "task." + x))}" : "it takes none"));
        int Int(string key, int fallback)
        {
            if (!kwargs.TryGetValue(key, out var v)) return fallback;
            try { return Convert.ToInt32(v, CultureInfo.InvariantCulture); }
            catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
            { throw new ArgumentException($"task.{key}: expected a whole number, got '{v}'"); }
        }
        bool SolverReference()
        {
            if (!kwargs.TryGetValue("solution", out var v)) return false;
            return Convert.ToString(v, CultureInfo.InvariantCulture)?.ToLowerInvariant() switch
            {
                "generated" => false,
                "solver" => true,
                _ => throw new ArgumentException($"task.solution: expected 'generated' (the expression the problem was built from) or 'solver' (the solver's first solution), got '{v}'"),
            };
        }
        if (registry is not null && !Kwargs.ContainsKey(name)) return registry.Create(name);
        return name switch
        {
            "Addition-v0" => ArithmeticTask.Addition(Int("digits", 3)),
            "Multiplication-v0" => ArithmeticTask.Multiplication(Int("max_left", 99), Int("max_right", 9)),
            "Reverse-v0" => SequenceTask.Reverse(Int("min_length", 3), Int("max_length", 8)),
            "Sort-v0" => SequenceTask.Sort(Int("min_length", 3), Int("max_length", 8)),
            "Countdown-v0" => new CountdownTask(Int("count", 3), Int("max_number", 30), Int("max_target", 200), SolverReference()),
            _ => registry?.Create(name) ?? CreateRegistered(name),
        };
    }
}
