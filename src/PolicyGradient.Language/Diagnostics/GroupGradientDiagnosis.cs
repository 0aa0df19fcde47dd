using System.Diagnostics;
using System.Runtime.InteropServices;
using PolicyGradient.Diagnostics;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Diagnostics;

/// <summary>How <see cref="GroupGradientDiagnosis.Run"/> samples (CLI: <c>pg diagnose gradients &lt;language run&gt;</c>).</summary>
public sealed record GroupGradientDiagnosisOptions
{
    /// <summary>The group estimators shipped for outcome rewards (AdvantageEstimatorRegistry names).</summary>
    public const string DefaultEstimators = "grpo,drgrpo,rloo,remax,reinforce_plus_plus,opo,bnpo,grpo_passk";

    /// <summary>Outcome-reward estimators by registry name, each applied to the same batches.</summary>
    public IReadOnlyList<string> Estimators { get; init; } = DefaultEstimators.Split(',');

    /// <summary>Group sizes G: estimator e at size G uses the first G responses of each prompt's group of max(G) (nested, paired).</summary>
    public IReadOnlyList<int> GroupSizes { get; init; } = [2, 4, 8, 16];

    /// <summary>K: independent batches (fresh prompts and responses).</summary>
    public int Batches { get; init; } = 16;

    /// <summary>Prompts per batch (a batch at group size G holds Prompts × G responses).</summary>
    public int Prompts { get; init; } = 8;

    /// <summary>R: batches of the reference estimator (rloo at the largest group size) averaged into g*.</summary>
    public int ReferenceBatches { get; init; } = 16;

    /// <summary>Seed of batch 0 (batch i: seed + i; reference batch j: seed + 1,000,000 + j).</summary>
    public int Seed { get; init; }

    /// <summary>Sampling temperature.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>The reward of a response; null: the task's own (its verifier).</summary>
    public RewardFunction? Reward { get; init; }

    /// <summary>
    /// Resamples of the percentile-bootstrap intervals over the K batches (tr Σ and cosine to g*, seeded with
    /// <see cref="Seed"/>); 0 = none. Keeps every estimate as floats: K × parameters × 4 bytes per (estimator, G).
    /// </summary>
    public int Bootstrap { get; init; }
}

/// <summary>One estimator at one group size over the K batches (definitions: <see cref="GradientStatistics"/>).</summary>
public sealed record GroupEstimatorDiagnosis(string Estimator, int GroupSize, double TotalVariance, double SignalToNoise,
    double CosineToReference, double MseToReference, double MeanNorm)
{
    /// <summary>95 % percentile-bootstrap intervals over the K batches, when <see cref="GroupGradientDiagnosisOptions.Bootstrap"/> &gt; 0.</summary>
    public BootstrapIntervals? Intervals { get; init; }
}

/// <summary>The table, the mean reward of the sampled responses, ‖g*‖, the parameter count and the wall time.</summary>
public sealed record GroupGradientDiagnosisReport(IReadOnlyList<GroupEstimatorDiagnosis> Rows, double MeanReward, double ReferenceNorm, int Parameters, double Seconds);

/// <summary>
/// The variance and bias of the group-relative policy-gradient estimators (GRPO, Dr.GRPO, RLOO, ReMax, REINFORCE++, OPO,
/// BNPO, pass@k) at a language policy on a verifiable task, per group size. Each batch samples Prompts prompts and
/// max(G) responses per prompt once; every estimator at every group size G sees the same responses (the first G of
/// each group), so the comparison is paired. The estimate of (e, G) is the gradient of the on-policy surrogate with one
/// aggregation for all, ĝ = (1/B) Σ_i Σ_t A^e_it ∇θ log π(y_it | x_i, y_i,&lt;t) over the batch's B = Prompts·G responses —
/// the sequence-level score, whose expectation with an unbiased advantage is ∇J (the estimators' own trainers pair
/// some of them with other aggregations; that is a separate choice). The reference g* is the mean of R batches of rloo
/// at the largest G (unbiased: its baseline leaves each response out).
/// </summary>
public static class GroupGradientDiagnosis
{
    const string ReferenceEstimator = "rloo";

    /// <summary>Runs the diagnosis.</summary>
    /// <exception cref="ArgumentException">An unknown estimator or one that needs a critic, a group size below 2, fewer than 2 batches.</exception>
    public static GroupGradientDiagnosisReport Run(TransformerPolicy policy, VerifiableTask task, ITokenizer tokenizer, GroupGradientDiagnosisOptions options,
        AdvantageEstimatorRegistry? registry = null, Action<string>? progress = null)
    {
        registry ??= AdvantageEstimatorRegistry.Shared;
        var entries = options.Estimators.Select(n => registry.Find(n)).ToList();
        foreach (var e in entries)
            if (e.Estimator is null) throw new ArgumentException($"estimator '{e.Name}' needs a critic; the group diagnosis takes outcome-reward estimators ({GroupGradientDiagnosisOptions.DefaultEstimators})");
        if (options.GroupSizes.Count == 0 || options.GroupSizes.Any(g => g < 2)) throw new ArgumentException($"group sizes must be >= 2, got {string.Join(",", options.GroupSizes)}");
        if (options.Batches < 2 || options.ReferenceBatches < 1 || options.Prompts < 1 || options.Bootstrap < 0)
            throw new ArgumentException("batches must be >= 2, reference batches and prompts >= 1, bootstrap resamples >= 0");
        var clock = Stopwatch.StartNew();
        policy.eval();
        var parameters = policy.parameters().ToArray();
        int count = (int)parameters.Sum(p => p.numel());
        int largest = options.GroupSizes.Max();
        var rewards = new List<double>();

        var referenceSum = new double[count];
        for (int j = 0; j < options.ReferenceBatches; j++)
        {
            using var scope = torch.NewDisposeScope();
            var batch = GroupBatch.Sample(policy, task, tokenizer, options.Prompts, largest, options.Seed + 1_000_000 + j, options.Temperature, greedy: false, options.Reward);
            Accumulate(referenceSum, Gradient(parameters, batch, registry.Get(ReferenceEstimator), largest, retain: false));
            progress?.Invoke($"reference batch {j + 1}/{options.ReferenceBatches}");
        }
        var reference = referenceSum.Select(s => s / options.ReferenceBatches).ToArray();

        var stats = entries.SelectMany(_ => options.GroupSizes.Select(_ => new StreamingGradientStatistics(count, reference, options.Bootstrap > 0))).ToArray();
        bool greedy = entries.Any(e => e.NeedsGreedyBaseline);
        for (int i = 0; i < options.Batches; i++)
        {
            using var scope = torch.NewDisposeScope();
            var batch = GroupBatch.Sample(policy, task, tokenizer, options.Prompts, largest, options.Seed + i, options.Temperature, greedy, options.Reward);
            rewards.AddRange(batch.Scores.Where(s => !float.IsNaN(s)).Select(s => (double)s));
            for (int e = 0; e < entries.Count; e++)
                for (int g = 0; g < options.GroupSizes.Count; g++)
                    stats[e * options.GroupSizes.Count + g].Add(Gradient(parameters, batch, entries[e].Estimator!, options.GroupSizes[g], retain: true));
            progress?.Invoke($"batch {i + 1}/{options.Batches}");
        }
        var rows = new List<GroupEstimatorDiagnosis>();
        for (int e = 0; e < entries.Count; e++)
            for (int g = 0; g < options.GroupSizes.Count; g++)
            {
                var s = stats[e * options.GroupSizes.Count + g];
                rows.Add(new GroupEstimatorDiagnosis(entries[e].Name, options.GroupSizes[g], s.TotalVariance(), s.SignalToNoise(),
                    s.CosineToReference(), s.MeanSquaredError(), Math.Sqrt(s.Mean().Sum(x => x * x)))
                { Intervals = options.Bootstrap > 0 ? s.Intervals(options.Bootstrap, seed: options.Seed) : null });
            }
        return new GroupGradientDiagnosisReport(rows, rewards.Count > 0 ? rewards.Average() : double.NaN, Math.Sqrt(reference.Sum(x => x * x)), count, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// ĝ of <paramref name="estimator"/> on the first <paramref name="groupSize"/> responses of each group of
    /// <paramref name="batch"/>: ∇θ of (1/B) Σ_i Σ_t A_it log π(y_it), flattened over <paramref name="parameters"/>.
    /// </summary>
    internal static double[] Gradient(TorchSharp.Modules.Parameter[] parameters, GroupBatch batch, GroupAdvantageEstimator estimator, int groupSize, bool retain)
    {
        using var scope = torch.NewDisposeScope();
        var rows = batch.Rows(groupSize);
        var mask = batch.Mask.index_select(0, rows);
        var groupIds = batch.GroupIds.index_select(0, rows);
        var scores = batch.ScoreTensor.index_select(0, rows);
        var baselines = batch.Baselines?.index_select(0, rows);
        Tensor advantages;
        using (torch.no_grad()) advantages = estimator(new GroupAdvantageInput(scores, groupIds, mask, baselines)).detach();
        if (advantages.dim() == 1) advantages = advantages.unsqueeze(1).expand_as(mask);
        var logProbs = batch.LogProbs.index_select(0, rows);
        using var size = ((double)rows.shape[0]).ToScalar();
        var surrogate = advantages.mul(mask.to(advantages.dtype)).mul(logProbs).sum().div(size);
        var grads = torch.autograd.grad([surrogate], parameters, retain_graph: retain, allow_unused: true);
        var flat = torch.cat(grads.Select((g, k) => (g is null ? torch.zeros_like(parameters[k]) : g).reshape(-1)).ToArray()).to_type(ScalarType.Float64).cpu();
        return MemoryMarshal.Cast<byte, double>(flat.contiguous().bytes).ToArray();
    }

    static void Accumulate(double[] sum, double[] value)
    {
        for (int k = 0; k < sum.Length; k++) sum[k] += value[k];
    }
}
