using System.Runtime.InteropServices;
using PolicyGradient.Algorithms;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.VarianceReduction;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Diagnostics;

/// <summary>
/// Measures, during a <see cref="Vrpg"/> run, what the momentum recursion does to the variance of the step direction
/// (option <c>variance_probe_every</c>). At update t, with θ_t, θ_{t−1} and d_{t−1} frozen, it plays K fresh rollouts
/// (the run's rollout size) on its own env copy with its own generator and computes on each batch k, paired:
/// the plain estimate g_k = g(τ_k; θ_t) and the direction the run would take on it,
/// d_k = g_k + (1 − β)(d_{t−1} − w·g(τ_k; θ_{t−1})). Then K more rollouts give the reference ḡ, the mean of their g.
/// It writes to the update's metrics (progress.csv): <c>vrpg/probe/plain_total_variance</c> and
/// <c>…/direction_total_variance</c> (tr Σ over the K batches: the noise one step's batch adds, given the past),
/// <c>…/plain_mse</c> and <c>…/direction_mse</c> ((1/K) Σ_k ‖· − ḡ‖²: that noise plus the error d_{t−1} carries),
/// and <c>…/direction_cosine</c> (of the mean d_k to ḡ). The run's weights, generators and envs are not touched.
/// </summary>
internal sealed class VrpgVarianceProbe : IDisposable
{
    readonly OnPolicyCore _run;
    readonly VrpgOptions _options;
    readonly OnPolicyCore _probe;
    int _measured;

    /// <summary>A probe for the run behind <paramref name="run"/>, on its own copy of the run's env.</summary>
    /// <exception cref="ArgumentException">The run was not built from a registered env id.</exception>
    public VrpgVarianceProbe(OnPolicyCore run, VrpgOptions options)
    {
        var source = run.Source ?? throw new ArgumentException("variance_probe_every needs an algorithm built from a registered env id (the probe plays on its own copy of the env); set variance_probe_every=0");
        (_run, _options) = (run, options);
        long seed = unchecked(run.Seed * 7919 + 1_000_003);
        _probe = new OnPolicyCore(OnPolicyCore.MakeVectorEnv(source.EnvId, run.Env.NumEnvs, source.EnvKwargs), options.Policy, options.NSteps,
            options.Gamma, normalizeObservations: false, normalizeRewards: false, seed, run.Device, options.UseActionMasks);
        _probe.UseBackend(options.Backend);
    }

    /// <summary>Prefix of the progress.csv columns.</summary>
    public const string Prefix = "vrpg/probe/";

    /// <summary>Measures at the run's current θ_t (<paramref name="owner"/>: the run's algorithm, for the rollout's callbacks) and adds the columns to <paramref name="metrics"/>; without a previous step d = g.</summary>
    public void Measure(Core.IAlgorithm owner, Tensor? previousParameters, Tensor? previousDirection, IDictionary<string, double> metrics)
    {
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad()) _probe.Net.Parameters.Data.copy_(_run.Net.Parameters.Data);
        _probe.NativeRollout?.WeightsChanged();
        var plain = new List<double[]>();
        var directions = new List<double[]>();
        var reference = new List<double[]>();
        int k = _options.VarianceProbeBatches, attempts = 0;
        while (reference.Count < k && attempts++ < 8 * k)
        {
            using var batchScope = torch.NewDisposeScope();
            _probe.CollectRollout(owner, NoCallback.Instance);
            bool paired = plain.Count < k;
            var batch = VrpgBatchGradients.Compute(_probe, _options, paired ? previousParameters : null);
            if (batch is null) continue;
            if (!paired) { reference.Add(Doubles(batch.Policy)); continue; }
            plain.Add(Doubles(batch.Policy));
            var d = batch.Correction is null || previousDirection is null ? batch.Policy
                : StormRecursion.Direction(previousDirection, batch.Policy, batch.Correction, weight: 1, _options.Beta);
            directions.Add(Doubles(d));
        }
        _measured++;
        if (reference.Count < 2) return; // no completed episodes in the probe's rollouts
        var g = GradientStatistics.Mean(reference);
        metrics[Prefix + "plain_total_variance"] = GradientStatistics.TotalVariance(plain);
        metrics[Prefix + "direction_total_variance"] = GradientStatistics.TotalVariance(directions);
        metrics[Prefix + "plain_mse"] = GradientStatistics.MeanSquaredError(plain, g);
        metrics[Prefix + "direction_mse"] = GradientStatistics.MeanSquaredError(directions, g);
        metrics[Prefix + "direction_cosine"] = GradientStatistics.Cosine(GradientStatistics.Mean(directions), g);
        metrics[Prefix + "plain_cosine"] = GradientStatistics.Cosine(GradientStatistics.Mean(plain), g);
    }

    /// <summary>How many probes ran.</summary>
    public int Measured => _measured;

    static double[] Doubles(Tensor t)
    {
        var c = t.detach().cpu().to_type(ScalarType.Float64).contiguous();
        return MemoryMarshal.Cast<byte, double>(c.bytes).ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => _probe.Dispose();
}
