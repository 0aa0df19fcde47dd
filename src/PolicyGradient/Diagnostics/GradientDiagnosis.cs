using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Core;
using PolicyGradient.Environments;

namespace PolicyGradient.Diagnostics;

/// <summary>How <see cref="GradientDiagnosis.Run"/> samples (CLI: <c>pg diagnose gradients</c>).</summary>
public sealed record GradientDiagnosisOptions
{
    /// <summary>Estimators to compare (<see cref="GradientEstimatorSpec.Parse"/>), every one on the same batches (a paired comparison).</summary>
    public IReadOnlyList<GradientEstimatorSpec> Estimators { get; init; } = GradientEstimatorSpec.ParseList(GradientEstimatorSpec.DefaultList);

    /// <summary>K: independent batches per estimator (≥ 2).</summary>
    public int Batches { get; init; } = 32;

    /// <summary>N: environment steps per batch, at least (whole episodes are played, so a batch may hold a few more).</summary>
    public int BatchSize { get; init; } = 2048;

    /// <summary>R: batches of the reference estimator (gae:1, i.e. returns-to-go minus V with time-limit bootstrapping) averaged into the reference gradient.</summary>
    public int ReferenceBatches { get; init; } = 32;

    /// <summary>Seed of the first batch; batch i resets the env and draws actions from seed + i, reference batch j from seed + 1,000,000 + j.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// The behaviour policies of the importance-sampled estimators (<c>is:&lt;k&gt;</c>): k → the flat parameters of
    /// the policy k updates before the diagnosed one (k = 0 needs none: the current policy).
    /// </summary>
    public IReadOnlyDictionary<int, float[]> Behaviours { get; init; } = new Dictionary<int, float[]>();

    /// <summary>Resamples of the 95 % percentile-bootstrap intervals over the K batches (tr Σ and cosine to g*, seeded with <see cref="Seed"/>); 0 = none (NaN ends).</summary>
    public int Bootstrap { get; init; } = 1000;
}

/// <summary>One estimator's figures over the K batches (see <see cref="GradientStatistics"/> for the definitions).</summary>
/// <param name="Estimator">Its name, e.g. "gae:0.95".</param>
/// <param name="TotalVariance">tr Σ of the K estimates.</param>
/// <param name="TotalVarianceLow">Lower end of the 95 % bootstrap interval of tr Σ.</param>
/// <param name="TotalVarianceHigh">Upper end of that interval.</param>
/// <param name="SignalToNoise">Mean per-parameter m_k²/v_k.</param>
/// <param name="CosineToReference">Cosine of the mean estimate to the reference gradient.</param>
/// <param name="MseToReference">(1/K) Σ_i ‖ĝ_i − g*‖².</param>
/// <param name="MeanNorm">‖mean estimate‖.</param>
/// <param name="EffectiveSampleSize">Importance-sampled estimators only: the mean over the K batches of (Σ w)² / Σ w² over the batch's weights (steps per decision, episodes per trajectory); else null.</param>
public sealed record EstimatorDiagnosis(string Estimator, double TotalVariance, double TotalVarianceLow, double TotalVarianceHigh,
    double SignalToNoise, double CosineToReference, double MseToReference, double MeanNorm, double? EffectiveSampleSize = null)
{
    /// <summary>The 95 % bootstrap interval of <see cref="CosineToReference"/> (NaN ends when there were no resamples).</summary>
    public ConfidenceInterval CosineInterval { get; init; } = new(double.NaN, double.NaN);
}

/// <summary>The diagnosis of one policy: per estimator, and how the batches came out.</summary>
/// <param name="Estimators">One row per estimator, in the order asked.</param>
/// <param name="MeanBatchSteps">Mean steps per batch.</param>
/// <param name="MeanEpisodeReturn">Mean undiscounted episode return over the K batches (in the rewards training saw).</param>
/// <param name="ReferenceSteps">Steps behind the reference gradient.</param>
/// <param name="ReferenceNorm">‖g*‖.</param>
/// <param name="Parameters">Entries of each gradient (the whole flat buffer; the critic's entries are 0 and have no variance).</param>
/// <param name="Seconds">Wall time.</param>
public sealed record GradientDiagnosisReport(IReadOnlyList<EstimatorDiagnosis> Estimators, double MeanBatchSteps, double MeanEpisodeReturn,
    long ReferenceSteps, double ReferenceNorm, int Parameters, double Seconds);

/// <summary>
/// Measures what each policy-gradient estimator costs in variance and bias at a fixed on-policy policy:
/// K independent batches of whole episodes (fresh seeds), every estimator applied to the same batches, and a
/// reference gradient from R further batches of the gae:1 estimator. Works for the on-policy algorithms whose
/// actor-critic the native kernels compute (MLP, tanh or ReLU, Discrete or Box actions, Box observations).
/// </summary>
public static class GradientDiagnosis
{
    /// <summary>The estimator the reference gradient averages.</summary>
    public static readonly GradientEstimatorSpec Reference = GradientEstimatorSpec.Parse("gae:1");

    /// <summary>Runs the diagnosis of <paramref name="algorithm"/>'s current policy on a fresh copy of its env.</summary>
    /// <exception cref="NotSupportedException">The algorithm is not on-policy or its network is not one the native kernels compute; the message says which.</exception>
    /// <exception cref="ArgumentException">Fewer than 2 batches, or a batch size or reference count below 1.</exception>
    public static GradientDiagnosisReport Run(IAlgorithm algorithm, string envId, IReadOnlyDictionary<string, object>? envKwargs,
        GradientDiagnosisOptions options, Action<string>? progress = null)
    {
        if (options.Batches < 2) throw new ArgumentException($"batches must be >= 2 to measure a variance, got {options.Batches}");
        if (options.BatchSize < 1 || options.ReferenceBatches < 1) throw new ArgumentException("batch size and reference batches must be >= 1");
        if (algorithm is not IOnPolicyInternals internals)
            throw new NotSupportedException($"gradient diagnosis needs an on-policy run (ppo, a2c, reinforce, trpo), not {algorithm.Name}");
        var layout = internals.Core.Net.NativeLayout()
            ?? throw new NotSupportedException("gradient diagnosis needs an MLP policy with tanh or ReLU, Box observations and Discrete or Box actions (the native kernels' networks)");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var env = Envs.Make(envId, envKwargs);
        if (ActionMasks.Find(env) is not null || env.ObservationSpace is Environments.Spaces.Dict)
        {
            env.Dispose();
            throw new NotSupportedException($"gradient diagnosis does not handle {envId}'s {(env.ObservationSpace is Environments.Spaces.Dict ? "Dict observations" : "action masks")} yet");
        }
        using var rollout = new ScoreFunctionRollout(internals.Core, layout, env, internals.Gamma);
        var current = Floats(internals.Core);
        var groups = Groups(options, current);

        var perEstimator = options.Estimators.Select(_ => new List<double[]>()).ToList();
        var ess = options.Estimators.Select(_ => new List<double>()).ToList();
        long steps = 0;
        double meanReturn = double.NaN;
        for (int i = 0; i < options.Batches; i++)
        {
            foreach (var (behaviour, indices) in groups)
            {
                var specs = indices.Select(e => options.Estimators[e]).ToList();
                var (gradients, batchSteps, _, sizes) = rollout.Collect(options.BatchSize, options.Seed + i, specs, behaviour);
                for (int k = 0; k < indices.Count; k++) { perEstimator[indices[k]].Add(gradients[k]); ess[indices[k]].Add(sizes[k]); }
                if (behaviour is null) steps += batchSteps;
            }
            progress?.Invoke($"batch {i + 1}/{options.Batches}");
            if (i == options.Batches - 1) meanReturn = rollout.MeanEpisodeReturn;
        }
        var reference = new List<double[]>();
        long referenceSteps = 0;
        for (int j = 0; j < options.ReferenceBatches; j++)
        {
            var (gradients, batchSteps, _, _) = rollout.Collect(options.BatchSize, options.Seed + 1_000_000 + j, [Reference]);
            reference.Add(gradients[0]);
            referenceSteps += batchSteps;
        }
        progress?.Invoke($"reference: {options.ReferenceBatches} batches, {referenceSteps} steps");
        double[] g = GradientStatistics.Mean(reference);

        var rows = Enumerable.Range(0, options.Estimators.Count).Select(e => Row(options, e, perEstimator[e], g,
            options.Estimators[e].Kind == GradientEstimatorKind.ImportanceSampled ? ess[e].Average() : null)).ToList();
        return new GradientDiagnosisReport(rows, (double)steps / options.Batches, meanReturn, referenceSteps,
            Math.Sqrt(g.Sum(x => x * x)), rollout.ParameterCount, clock.Elapsed.TotalSeconds);
    }

    // One estimator's figures; the intervals from the Gram matrix of its K estimates (BatchBootstrap).
    static EstimatorDiagnosis Row(GradientDiagnosisOptions options, int e, List<double[]> estimates, double[] g, double? ess)
    {
        var mean = GradientStatistics.Mean(estimates);
        var intervals = options.Bootstrap > 0
            ? BatchBootstrap.Intervals(BatchBootstrap.Gram(estimates), estimates.Select(x => BatchBootstrap.Dot(x, g)).ToList(),
                Math.Sqrt(BatchBootstrap.Dot(g, g)), options.Bootstrap, seed: options.Seed)
            : new BootstrapIntervals(new ConfidenceInterval(double.NaN, double.NaN), new ConfidenceInterval(double.NaN, double.NaN));
        return new EstimatorDiagnosis(options.Estimators[e].Name, GradientStatistics.TotalVariance(estimates), intervals.TotalVariance.Low,
            intervals.TotalVariance.High, GradientStatistics.SignalToNoise(estimates), GradientStatistics.Cosine(mean, g),
            GradientStatistics.MeanSquaredError(estimates, g), Math.Sqrt(mean.Sum(x => x * x)), ess) { CosineInterval = intervals.Cosine };
    }

    // The estimators by the policy that plays their batches: null (the current policy) first, then one behaviour per lag k.
    static List<(float[]? Behaviour, List<int> Indices)> Groups(GradientDiagnosisOptions options, float[] current)
    {
        var groups = new List<(float[]?, List<int>)>();
        var onPolicy = Enumerable.Range(0, options.Estimators.Count).Where(e => options.Estimators[e].Kind != GradientEstimatorKind.ImportanceSampled).ToList();
        if (onPolicy.Count > 0) groups.Add((null, onPolicy));
        foreach (var lag in options.Estimators.Where(e => e.Kind == GradientEstimatorKind.ImportanceSampled).Select(e => e.Lag).Distinct())
        {
            var behaviour = lag == 0 ? current : options.Behaviours.TryGetValue(lag, out var b) ? b
                : throw new ArgumentException($"estimator is:{lag} needs the policy {lag} updates before the diagnosed one (GradientDiagnosisOptions.Behaviours[{lag}])");
            if (behaviour.Length != current.Length)
                throw new ArgumentException($"the behaviour policy for is:{lag} has {behaviour.Length} parameters, the diagnosed network {current.Length}");
            groups.Add((behaviour, Enumerable.Range(0, options.Estimators.Count).Where(e => options.Estimators[e] is { Kind: GradientEstimatorKind.ImportanceSampled } s && s.Lag == lag).ToList()));
        }
        return groups;
    }

    /// <summary>A copy of an on-policy algorithm's flat parameter buffer: what <see cref="GradientDiagnosisOptions.Behaviours"/> holds for an older policy.</summary>
    /// <exception cref="NotSupportedException">The algorithm is not on-policy.</exception>
    public static float[] PolicyParameters(IAlgorithm algorithm) => algorithm is IOnPolicyInternals internals ? Floats(internals.Core)
        : throw new NotSupportedException($"gradient diagnosis needs an on-policy run (ppo, a2c, reinforce, trpo), not {algorithm.Name}");

    static float[] Floats(OnPolicyCore core) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(core.Net.Parameters.Data.bytes).ToArray();
}
