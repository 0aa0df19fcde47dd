namespace PolicyGradient.Estimators;

/// <summary>
/// Advantage estimators by name, each with the capabilities a trainer needs to run it (verl's
/// <c>register_adv_est</c>, as an instance rather than one global table). <see cref="CreateDefault"/>
/// holds the built-ins with their reference defaults; <see cref="Shared"/> is the instance the group
/// trainer and language runs use unless given another, so an estimator registered there is selectable
/// by name from trainer options and run configurations (<c>estimator: my_estimator</c>). Names compare
/// case-insensitively, ignoring '-', '_', '.' and spaces.
/// </summary>
public sealed class AdvantageEstimatorRegistry
{
    readonly NamedRegistry<AdvantageEstimatorEntry> _table = new("advantage estimator");

    /// <summary>The process-wide registry (built-ins plus whatever users register): what trainers and runs use by default.</summary>
    public static AdvantageEstimatorRegistry Shared { get; } = CreateDefault();

    /// <summary>A registry with the built-in estimators: grpo, drgrpo, rloo, remax, reinforce_plus_plus,
    /// reinforce_plus_plus_baseline, gpg, opo, bnpo, grpo_passk (outcome rewards) and gae (with a critic).</summary>
    public static AdvantageEstimatorRegistry CreateDefault()
    {
        var r = new AdvantageEstimatorRegistry();
        r.Register("grpo", i => GroupRelativeAdvantage.Compute(i));
        r.Register("drgrpo", i => GroupRelativeAdvantage.Compute(i, scaling: GroupRewardScaling.None));
        r.Register("rloo", i => LeaveOneOutAdvantage.Compute(i));
        // ReMax (Li et al. 2023): the greedy response's reward is the baseline; token rewards are discounted in.
        r.Register(new AdvantageEstimatorEntry
        {
            Name = "remax", Estimator = GreedyBaselineAdvantage.Compute, NeedsGreedyBaseline = true, ReadsTokenRewards = true,
        });
        // REINFORCE++ (Hu 2025): returns over per-token rewards, so a KL in the reward stays per token.
        r.Register(new AdvantageEstimatorEntry
        {
            Name = "reinforce_plus_plus", Aliases = ["reinforce++", "reinforcepp"],
            Estimator = i => ReinforcePlusPlusAdvantage.Compute(i), ReadsTokenRewards = true,
        });
        r.Register(new AdvantageEstimatorEntry
        {
            Name = "reinforce_plus_plus_baseline", Aliases = ["reinforce++_baseline", "reinforcepp_baseline"],
            Estimator = i => ReinforcePlusPlusAdvantage.ComputeWithBaseline(i), ReadsTokenRewards = true,
        });
        r.Register("gpg", i => GroupPolicyGradientAdvantage.Compute(i));
        r.Register("opo", i => OptimalBaselineAdvantage.Compute(i));
        r.Register("bnpo", i => BetaNormalizedAdvantage.Compute(i));
        r.Register("grpo_passk", i => PassAtKAdvantage.Compute(i));
        // PPO for language models (Ouyang et al. 2022; verl's "gae"): token-level GAE over a critic's values.
        r.Register(new AdvantageEstimatorEntry
        {
            Name = "gae", CriticEstimator = (i, values, gamma, lambda) => TokenLevelGae.Compute(i, values, gamma, lambda),
            ReadsTokenRewards = true,
        });
        return r;
    }

    /// <summary>Adds or replaces an outcome-reward estimator called <paramref name="name"/> that reads only
    /// scores, group ids and the mask (no critic, no greedy baseline, token rewards summed into the score).</summary>
    public void Register(string name, GroupAdvantageEstimator estimator)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        Register(new AdvantageEstimatorEntry { Name = name, Estimator = estimator });
    }

    /// <summary>Adds or replaces <paramref name="entry"/> under its name and aliases.</summary>
    /// <exception cref="ArgumentException">The entry sets neither or both estimators.</exception>
    public void Register(AdvantageEstimatorEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        entry.Validate();
        _table.Register(entry.Name, entry.Aliases, entry);
    }

    /// <summary>Canonical names, sorted.</summary>
    public IReadOnlyList<string> Names => _table.Names;

    /// <summary>Registered entries, sorted by name.</summary>
    public IReadOnlyList<AdvantageEstimatorEntry> Entries => _table.Entries;

    /// <summary>Whether <paramref name="name"/> selects an entry.</summary>
    public bool Contains(string name) => _table.Find(name) is not null;

    /// <summary>The entry called <paramref name="name"/> (or one of its aliases).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message names the closest one and lists all.</exception>
    public AdvantageEstimatorEntry Find(string name) => _table.Get(name);

    /// <summary>The outcome-reward estimator called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name, or an estimator that needs a critic (use <see cref="Find"/>).</exception>
    public GroupAdvantageEstimator Get(string name) => Find(name).Estimator
        ?? throw new ArgumentException($"advantage estimator '{name}' needs a critic; take its CriticEstimator from Find(\"{name}\")", nameof(name));
}
