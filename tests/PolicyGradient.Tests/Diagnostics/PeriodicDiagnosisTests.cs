using PolicyGradient.Algorithms;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Core;
using PolicyGradient.Diagnostics;
using PolicyGradient.Training.Configuration;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Diagnostics;

/// <summary>diagnose_every: the diagnosis's numbers as columns every N updates, equal to a direct diagnosis, the run unchanged.</summary>
[Collection("TorchGlobalState")]
public class PeriodicDiagnosisTests
{
    /// <summary>At each update, the metrics and (when they carry the diagnosis) a direct diagnosis of the same weights.</summary>
    sealed class Direct : ITrainingCallback
    {
        public List<Dictionary<string, double>> Metrics { get; } = [];
        public Dictionary<int, GradientDiagnosisReport> Reports { get; } = [];
        public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics)
        {
            Metrics.Add(new Dictionary<string, double>(metrics.Values));
            var core = ((IOnPolicyInternals)algorithm).Core;
            if (metrics.Values.Keys.Any(k => k.StartsWith("diag/", StringComparison.Ordinal)))
                Reports[metrics.Updates] = GradientDiagnosis.Run(algorithm, "CartPole-v1", null, PeriodicDiagnosis.Options(core, core.NumUpdates));
            return true;
        }
    }

    static PpoOptions Options(int diagnoseEvery) => new() { NSteps = 64, BatchSize = 32, NEpochs = 2, DiagnoseEvery = diagnoseEvery };

    [Fact]
    public void Every_nth_update_carries_the_columns_of_a_direct_diagnosis_of_its_policy()
    {
        OneThread();
        using var ppo = new Ppo("CartPole-v1", Options(2), seed: 5);
        var direct = new Direct();
        ppo.Learn(4 * 64, direct);
        Assert.Equal(4, direct.Metrics.Count);
        Assert.DoesNotContain(direct.Metrics[0].Keys, k => k.StartsWith("diag/", StringComparison.Ordinal));
        Assert.DoesNotContain(direct.Metrics[2].Keys, k => k.StartsWith("diag/", StringComparison.Ordinal));
        Assert.Equal([2, 4], direct.Reports.Keys.Order());
        foreach (var (updates, report) in direct.Reports)
        {
            var metrics = direct.Metrics[updates - 1];
            Assert.Equal(GradientEstimatorSpec.ParseList(GradientEstimatorSpec.DefaultList).Count * 3, metrics.Keys.Count(k => k.StartsWith("diag/", StringComparison.Ordinal)));
            foreach (var row in report.Estimators)
            {
                Assert.Equal(row.TotalVariance, metrics[PeriodicDiagnosis.Column(row.Estimator, "total_variance")]);
                Assert.Equal(row.SignalToNoise, metrics[PeriodicDiagnosis.Column(row.Estimator, "gsnr")]);
                Assert.Equal(row.CosineToReference, metrics[PeriodicDiagnosis.Column(row.Estimator, "cosine")]);
                Assert.True(row.TotalVariance > 0, row.Estimator);
            }
        }
        Assert.True(direct.Metrics[1]["diag/mc/total_variance"] > direct.Metrics[1]["diag/gae:0.8/total_variance"]);
    }

    [Fact]
    public void The_diagnosis_leaves_the_run_unchanged()
    {
        OneThread();
        using var plain = new Ppo("CartPole-v1", Options(0), seed: 5);
        using var diagnosed = new Ppo("CartPole-v1", Options(1), seed: 5);
        plain.Learn(3 * 64);
        diagnosed.Learn(3 * 64);
        AssertSameWeights(Weights(plain), Weights(diagnosed));
    }

    [Fact]
    public void A_vector_env_built_by_the_caller_is_refused_before_training_with_the_fix()
    {
        using var env = new PolicyGradient.Environments.Vector.SyncVectorEnv(_ => PolicyGradient.Environments.Envs.Make("CartPole-v1"), 1);
        using var ppo = new Ppo(env, Options(1), seed: 1);
        var e = Assert.Throws<ArgumentException>(() => ppo.Learn(64));
        Assert.Contains("diagnose_every=0", e.Message);
        Assert.Equal(0, ppo.NumUpdates);
    }

    [Fact]
    public void Diagnose_every_binds_as_a_key_and_stays_out_of_the_configuration_hash()
    {
        string fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "old-runs", "a2c-before-backend-option.config.yaml");
        var plain = ConfigResolver.FromRunConfig(fixture);
        var diagnosed = ConfigResolver.FromRunConfig(fixture, ["diagnose_every=5"]);
        Assert.Equal(5, ((OnPolicyOptions)diagnosed.Options).DiagnoseEvery);
        Assert.Equal(plain.Hash, diagnosed.Hash);
        Assert.Equal(plain.CompatibleHashes, diagnosed.CompatibleHashes);
    }
}
