using PolicyGradient.Algorithms;
using PolicyGradient.Diagnostics;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Diagnostics;

/// <summary>The importance-sampled estimators is:&lt;k&gt; / is-traj:&lt;k&gt; on hand values, and in the diagnosis.</summary>
[Collection("TorchGlobalState")]
public class ImportanceWeightingTests
{
    // Two steps: r = (1, 2), V = (0.5, 0.25), γ = 0.9, ρ = (2, 1.5): ρ_{0:t} = (2, 3).
    static readonly float[] Rewards = [1f, 2f], Values = [0.5f, 0.25f], Ratios = [2f, 1.5f];

    [Fact]
    public void Per_decision_weights_each_reward_by_the_actions_before_it()
    {
        var psi = new double[2];
        var weights = new double[2];
        ImportanceWeighting.PerDecision(Rewards, Values, Ratios, bootstrap: 0, gamma: 0.9, psi, weights);
        Assert.Equal([2.0, 3.0], weights);
        // Ψ_1 = ρ_{0:1} r_1 − ρ_{0:1} V_1 = 3·2 − 3·0.25; Ψ_0 = ρ_0 r_0 + γ ρ_{0:1} r_1 − ρ_0 V_0 = 2 + 0.9·6 − 1.
        Assert.Equal(5.25, psi[1], 12);
        Assert.Equal(6.4, psi[0], 12);
        // A truncated episode: V(s_T) = 10 enters with the last step's weight, discounted.
        ImportanceWeighting.PerDecision(Rewards, Values, Ratios, bootstrap: 10, gamma: 0.9, psi, weights);
        Assert.Equal(6 + 0.9 * 30 - 0.75, psi[1], 12);
        Assert.Equal(2 + 0.9 * (6 + 0.9 * 30) - 1, psi[0], 12);
    }

    [Fact]
    public void Per_trajectory_puts_the_whole_episodes_weight_on_every_step()
    {
        var psi = new double[2];
        double weight = ImportanceWeighting.PerTrajectory(Rewards, Values, Ratios, bootstrap: 0, gamma: 0.9, psi);
        Assert.Equal(3, weight, 12);
        // G = (1 + 0.9·2, 2) = (2.8, 2): Ψ = 3·(2.8 − 0.5, 2 − 0.25).
        Assert.Equal(3 * 2.3, psi[0], 12);
        Assert.Equal(3 * 1.75, psi[1], 12);
    }

    [Fact]
    public void With_ratios_of_one_both_are_the_gae_1_advantage()
    {
        float[] ones = [1f, 1f];
        var (a, b, w) = (new double[2], new double[2], new double[2]);
        ImportanceWeighting.PerDecision(Rewards, Values, ones, bootstrap: 4, gamma: 0.5, a, w);
        ImportanceWeighting.PerTrajectory(Rewards, Values, ones, bootstrap: 4, gamma: 0.5, b);
        // G_1 + γV_T − V_1 = 2 + 2 − 0.25; G_0 + γ²V_T − V_0 = 1 + 0.5·2 + 0.25·4 − 0.5.
        Assert.Equal([2.5, 3.75], a);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Effective_sample_size_is_kishs()
    {
        Assert.Equal(4, ImportanceWeighting.EffectiveSampleSize([1, 1, 1, 1]), 12);
        Assert.Equal(1, ImportanceWeighting.EffectiveSampleSize([5, 0, 0, 0]), 12);
        Assert.Equal(1.6, ImportanceWeighting.EffectiveSampleSize([1, 3]), 12);   // 4² / 10
        Assert.True(double.IsNaN(ImportanceWeighting.EffectiveSampleSize([])));
    }

    [Fact]
    public void The_names_parse_with_their_lag_and_weighting()
    {
        var pd = GradientEstimatorSpec.Parse("is:2");
        Assert.Equal((GradientEstimatorKind.ImportanceSampled, 2, false), (pd.Kind, pd.Lag, pd.PerTrajectory));
        var pt = GradientEstimatorSpec.Parse(" IS-TRAJ:1 ");
        Assert.Equal(("is-traj:1", 1, true), (pt.Name, pt.Lag, pt.PerTrajectory));
        Assert.Contains("whole number", Assert.Throws<ArgumentException>(() => GradientEstimatorSpec.Parse("is:-1")).Message);
        Assert.Contains("whole number", Assert.Throws<ArgumentException>(() => GradientEstimatorSpec.Parse("is:x")).Message);
    }

    [Fact]
    public void At_lag_0_the_weights_are_one_the_estimates_are_gae_1s_and_the_ess_counts_every_sample()
    {
        OneThread();
        using var ppo = new Ppo("CartPole-v1", new PpoOptions { NSteps = 16, BatchSize = 16 }, seed: 3);
        var options = new GradientDiagnosisOptions
        {
            Estimators = GradientEstimatorSpec.ParseList("gae:1,is:0,is-traj:0"), Batches = 4, BatchSize = 300, ReferenceBatches = 2, Seed = 2,
        };
        var report = GradientDiagnosis.Run(ppo, "CartPole-v1", null, options);
        var row = report.Estimators.ToDictionary(e => e.Estimator);
        foreach (string name in new[] { "is:0", "is-traj:0" })
        {
            Assert.Equal(row["gae:1"].TotalVariance, row[name].TotalVariance, 1e-4 * row["gae:1"].TotalVariance);
            Assert.Equal(row["gae:1"].CosineToReference, row[name].CosineToReference, 1e-5);
        }
        Assert.Null(row["gae:1"].EffectiveSampleSize);
        Assert.Equal(report.MeanBatchSteps, row["is:0"].EffectiveSampleSize!.Value, 6);   // every step's weight is 1
        Assert.InRange(row["is-traj:0"].EffectiveSampleSize!.Value, 5, 30);              // episodes of ~20 steps
    }

    [Fact]
    public void An_older_behaviour_policy_lowers_the_ess_and_a_missing_one_is_named()
    {
        OneThread();
        using var ppo = new Ppo("CartPole-v1", new PpoOptions { NSteps = 256, BatchSize = 64, NEpochs = 10, LearningRate = 3e-3 }, seed: 3);
        var before = GradientDiagnosis.PolicyParameters(ppo);
        ppo.Learn(2 * 256);
        var options = new GradientDiagnosisOptions
        {
            Estimators = GradientEstimatorSpec.ParseList("is:2,is-traj:2"), Batches = 3, BatchSize = 300, ReferenceBatches = 2,
            Behaviours = new Dictionary<int, float[]> { [2] = before },
        };
        var report = GradientDiagnosis.Run(ppo, "CartPole-v1", null, options);
        double perDecision = report.Estimators[0].EffectiveSampleSize!.Value;
        Assert.InRange(perDecision, 1, 299);
        Assert.All(report.Estimators, e => Assert.True(double.IsFinite(e.TotalVariance) && e.TotalVariance > 0, e.Estimator));

        var e = Assert.Throws<ArgumentException>(() => GradientDiagnosis.Run(ppo, "CartPole-v1", null, options with { Behaviours = new Dictionary<int, float[]>() }));
        Assert.Contains("Behaviours[2]", e.Message);
    }
}
