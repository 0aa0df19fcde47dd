using PolicyGradient.Estimators;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Objectives;

/// <summary>
/// Policy losses by name, each with what it needs from the trainer (verl's <c>register_policy_loss</c>,
/// as an instance). <see cref="Shared"/> is the instance the group trainer and language runs use unless
/// given another, so a loss registered there is selectable from trainer options and run configurations
/// (<c>loss: my_loss</c>). Names compare like the estimator registry's: case, '-', '_', '.' and spaces
/// ignored, so the "ppoclip" of older configurations selects "ppo_clip".
/// </summary>
public sealed class PolicyLossRegistry
{
    readonly NamedRegistry<PolicyLossEntry> _table = new("policy loss");

    /// <summary>The process-wide registry (built-ins plus whatever users register): what trainers and runs use by default.</summary>
    public static PolicyLossRegistry Shared { get; } = CreateDefault();

    /// <summary>A registry with the built-in losses: ppo_clip, gspo, cispo, gmpo, clip_cov, kl_cov, sapo, gvpo, reinforce.</summary>
    public static PolicyLossRegistry CreateDefault()
    {
        var r = new PolicyLossRegistry();
        // PPO clip with ε_low / ε_high and dual clip (GRPO, DAPO; verl "vanilla").
        r.Register(new PolicyLossEntry
        {
            Name = "ppo_clip", Aliases = ["ppo", "vanilla"], ReportsPpoClipSides = true, ZeroAdvantageRowsInert = true,
            Compute = i => ClippedSurrogateObjective.Compute(i.LogProbs, i.OldLogProbs, i.Advantages, i.ClipLow, i.ClipHigh, i.DualClip, i.LogRatioClamp),
        });
        r.Register(new PolicyLossEntry
        {
            Name = "gspo", SequenceLevelRatio = true, ZeroAdvantageRowsInert = true,
            Compute = i => GspoObjective.Compute(i.LogProbs, i.OldLogProbs, i.Advantages, i.Mask, i.ClipLow, i.ClipHigh),
        });
        r.Register(new PolicyLossEntry
        {
            Name = "cispo", ZeroAdvantageRowsInert = true,
            Compute = i => CispoObjective.Compute(i.LogProbs, i.OldLogProbs, i.Advantages, i.ClipLow, i.ClipHigh),
        });
        // GMPO's clip range is in log space: the paper's 0.4 is set through clip_low / clip_high.
        r.Register(new PolicyLossEntry
        {
            Name = "gmpo", Aliases = ["geo_mean"], PerSequence = true, SequenceLevelRatio = true, ZeroAdvantageRowsInert = true,
            Compute = i => GeometricMeanObjective.Compute(i.LogProbs, i.OldLogProbs, i.Advantages, i.Mask, i.ClipLow, i.ClipHigh),
        });
        // Clip-Cov and KL-Cov with verl's defaults (ratio 2e-4, bounds 1 and 5, β = 1); the clip fraction counts the treated tokens.
        r.Register(new PolicyLossEntry
        {
            Name = "clip_cov", NeedsGenerator = true,
            Compute = i => CovarianceClipObjective.ClipCov(i.LogProbs, i.OldLogProbs, i.Advantages, i.Mask, i.ClipLow, i.ClipHigh, generator: i.Generator),
        });
        r.Register(new PolicyLossEntry
        {
            Name = "kl_cov",
            Compute = i => CovarianceClipObjective.KlCov(i.LogProbs, i.OldLogProbs, i.Advantages, i.Mask),
        });
        // SAPO's soft gate (τ_pos 1.0, τ_neg 1.05); a zero advantage gives a zero loss and gradient.
        r.Register(new PolicyLossEntry
        {
            Name = "sapo", ZeroAdvantageRowsInert = true,
            Compute = i => SapoObjective.Compute(i.LogProbs, i.OldLogProbs, i.Advantages),
        });
        // GVPO (as verl's recipe): one loss per sequence from the group's implicit rewards; groups stay whole per micro-batch.
        r.Register(new PolicyLossEntry
        {
            Name = "gvpo", PerSequence = true, SequenceLevelRatio = true, NeedsWholeGroups = true,
            Compute = i => GvpoObjective.Compute(i.LogProbs, i.OldLogProbs, i.Advantages, i.Mask,
                i.GroupIds ?? throw new ArgumentException("the gvpo loss needs group ids (PolicyLossInput.GroupIds): run it through the group trainer"), i.GvpoBeta),
        });
        r.Register(new PolicyLossEntry
        {
            Name = "reinforce", NeedsOldLogProbs = false, ZeroAdvantageRowsInert = true,
            Compute = i => (PolicyGradientLoss.Compute(i.LogProbs, i.Advantages), torch.zeros_like(i.LogProbs, dtype: ScalarType.Bool)),
        });
        return r;
    }

    /// <summary>Adds or replaces a per-token loss called <paramref name="name"/> that needs nothing beyond its inputs.</summary>
    public void Register(string name, PolicyLossFunction loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        Register(new PolicyLossEntry { Name = name, Compute = loss });
    }

    /// <summary>Adds or replaces <paramref name="entry"/> under its name and aliases.</summary>
    public void Register(PolicyLossEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.Compute);
        _table.Register(entry.Name, entry.Aliases, entry);
    }

    /// <summary>Canonical names, sorted.</summary>
    public IReadOnlyList<string> Names => _table.Names;

    /// <summary>Registered entries, sorted by name.</summary>
    public IReadOnlyList<PolicyLossEntry> Entries => _table.Entries;

    /// <summary>Whether <paramref name="name"/> selects an entry.</summary>
    public bool Contains(string name) => _table.Find(name) is not null;

    /// <summary>The entry called <paramref name="name"/> (or one of its aliases).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message names the closest one and lists all.</exception>
    public PolicyLossEntry Find(string name) => _table.Get(name);
}
