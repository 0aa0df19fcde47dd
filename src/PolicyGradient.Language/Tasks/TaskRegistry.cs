namespace PolicyGradient.Language.Tasks;

/// <summary>
/// Tasks by id ("Addition-v0", ...), as an instance so users can add their own without global state.
/// Ids compare case-insensitively.
/// </summary>
public sealed class TaskRegistry
{
    readonly Dictionary<string, Func<VerifiableTask>> _factories = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The built-in tasks with their default sizes: Addition-v0 (3 digits), Multiplication-v0
    /// (≤ 99 × ≤ 9), Reverse-v0 and Sort-v0 (3..8 characters), Countdown-v0 (3 numbers ≤ 30).</summary>
    public static TaskRegistry CreateDefault()
    {
        var r = new TaskRegistry();
        r.Register("Addition-v0", () => ArithmeticTask.Addition());
        r.Register("Multiplication-v0", () => ArithmeticTask.Multiplication());
        r.Register("Reverse-v0", () => SequenceTask.Reverse());
        r.Register("Sort-v0", () => SequenceTask.Sort());
        r.Register("Countdown-v0", () => new CountdownTask());
        return r;
    }

    /// <summary>Adds or replaces a task factory.</summary>
    public void Register(string id, Func<VerifiableTask> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        _factories[id] = factory ?? throw new ArgumentNullException(nameof(factory));
    }

    /// <summary>Registered ids, sorted.</summary>
    public IReadOnlyList<string> Ids => _factories.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>A new instance of the task <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentException">Unknown id; the message lists the registered ones.</exception>
    public VerifiableTask Create(string id) => _factories.TryGetValue(id, out var f)
        ? f()
        : throw new ArgumentException($"unknown task '{id}'; available: {string.Join(", ", Ids)}", nameof(id));
}
