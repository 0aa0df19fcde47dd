namespace PolicyGradient.Estimators;

/// <summary>
/// Outcome-reward advantage estimators by name (verl's <c>register_adv_est</c>, as an instance rather
/// than a global table). <see cref="CreateDefault"/> holds the built-ins with their reference
/// defaults; users add their own with <see cref="Register"/>. Names compare case-insensitively,
/// ignoring '-', '_' and '.'.
/// </summary>
public sealed class AdvantageEstimatorRegistry
{
    readonly Dictionary<string, (string Name, GroupAdvantageEstimator Estimator)> _table = new(StringComparer.Ordinal);

    /// <summary>A registry with the built-in estimators:
    /// grpo, drgrpo, rloo, remax, reinforce_plus_plus, reinforce_plus_plus_baseline, gpg, opo, bnpo, grpo_passk.</summary>
    public static AdvantageEstimatorRegistry CreateDefault()
    {
        var r = new AdvantageEstimatorRegistry();
        r.Register("grpo", i => GroupRelativeAdvantage.Compute(i));
        r.Register("drgrpo", i => GroupRelativeAdvantage.Compute(i, scaling: GroupRewardScaling.None));
        r.Register("rloo", i => LeaveOneOutAdvantage.Compute(i));
        r.Register("remax", GreedyBaselineAdvantage.Compute);
        r.Register("reinforce_plus_plus", i => ReinforcePlusPlusAdvantage.Compute(i));
        r.Register("reinforce_plus_plus_baseline", i => ReinforcePlusPlusAdvantage.ComputeWithBaseline(i));
        r.Register("gpg", i => GroupPolicyGradientAdvantage.Compute(i));
        r.Register("opo", i => OptimalBaselineAdvantage.Compute(i));
        r.Register("bnpo", i => BetaNormalizedAdvantage.Compute(i));
        r.Register("grpo_passk", i => PassAtKAdvantage.Compute(i));
        return r;
    }

    /// <summary>Adds or replaces the estimator called <paramref name="name"/>.</summary>
    public void Register(string name, GroupAdvantageEstimator estimator)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(estimator);
        _table[Normalize(name)] = (name, estimator);
    }

    /// <summary>Registered names, sorted.</summary>
    public IReadOnlyList<string> Names => _table.Values.Select(v => v.Name).Order(StringComparer.Ordinal).ToList();

    /// <summary>The estimator called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the registered ones.</exception>
    public GroupAdvantageEstimator Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_table.TryGetValue(Normalize(name), out var e)) return e.Estimator;
        throw new ArgumentException($"unknown advantage estimator '{name}'; registered: {string.Join(", ", Names)}", nameof(name));
    }

    /// <summary>Lookup key: lower case without '-', '_', '.' or spaces, so "Dr.GRPO", "dr_grpo" and "drgrpo" match.</summary>
    static string Normalize(string name) => new(name.Trim().ToLowerInvariant().Where(c => c is not ('-' or '_' or '.' or ' ')).ToArray());
}
