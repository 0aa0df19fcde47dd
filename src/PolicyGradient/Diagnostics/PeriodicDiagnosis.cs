using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Core;

namespace PolicyGradient.Diagnostics;

/// <summary>
/// The gradient diagnosis as a training-time callback (option <c>diagnose_every: N</c> of the on-policy
/// algorithms): every N updates, <see cref="GradientDiagnosis.Run"/> of the policy just updated, with a small K,
/// the default estimators and batches of one rollout's size, its numbers added to the update's metrics as
/// progress.csv columns <c>diag/&lt;estimator&gt;/total_variance</c>, <c>…/gsnr</c> and <c>…/cosine</c> (to the
/// gae:1 reference). It plays on its own copy of the env with its own random numbers, so the run itself
/// (weights, generators, envs) is unchanged by it.
/// </summary>
internal static class PeriodicDiagnosis
{
    /// <summary>K and R: batches per estimator and reference batches (small, to stay cheap beside training).</summary>
    public const int Batches = 8;

    /// <summary>The progress.csv column of <paramref name="estimator"/>'s <paramref name="figure"/> (total_variance, gsnr or cosine).</summary>
    public static string Column(string estimator, string figure) => $"diag/{estimator}/{figure}";

    /// <summary>What the diagnosis after update <paramref name="updates"/> samples: K = R = 8, N = one rollout, seeds from the run seed and the update.</summary>
    public static GradientDiagnosisOptions Options(OnPolicyCore core, int updates) => new()
    {
        Batches = Batches,
        ReferenceBatches = Batches,
        BatchSize = core.Buffer.NumSteps * core.Buffer.NumEnvs,
        Seed = unchecked((int)core.Seed * 7919 + updates * 97),
        Bootstrap = 0,   // the columns carry no intervals
    };

    /// <summary>Fails before training when the diagnosis cannot run, naming why and the fix.</summary>
    /// <exception cref="ArgumentException">No registered env id to copy, or a network the native kernels do not compute.</exception>
    public static void Check(OnPolicyCore core)
    {
        if (core.Source is null)
            throw new ArgumentException("diagnose_every needs an algorithm built from a registered env id (the diagnosis plays on its own copy of the env); set diagnose_every=0 for a vector env you built");
        if (core.Net.NativeLayout() is null || core.Masked)
            throw new ArgumentException("diagnose_every needs an MLP policy with tanh or ReLU, Box observations, Discrete or Box actions and no action masks (the native kernels' networks); set diagnose_every=0");
    }

    /// <summary>Runs the diagnosis of <paramref name="algorithm"/>'s current policy and adds its columns to <paramref name="metrics"/>.</summary>
    public static void AddTo(IAlgorithm algorithm, OnPolicyCore core, IDictionary<string, double> metrics)
    {
        var source = core.Source ?? throw new InvalidOperationException("diagnose_every needs a registered env id");
        var report = GradientDiagnosis.Run(algorithm, source.EnvId, source.EnvKwargs, Options(core, core.NumUpdates));
        foreach (var row in report.Estimators)
        {
            metrics[Column(row.Estimator, "total_variance")] = row.TotalVariance;
            metrics[Column(row.Estimator, "gsnr")] = row.SignalToNoise;
            metrics[Column(row.Estimator, "cosine")] = row.CosineToReference;
        }
    }
}
