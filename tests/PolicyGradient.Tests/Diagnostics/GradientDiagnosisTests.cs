using PolicyGradient.Algorithms;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Core;
using PolicyGradient.Diagnostics;
using PolicyGradient.Environments;
using TorchSharp;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Diagnostics;

/// <summary>The score of every step against autograd, and the estimators' textbook relations on real batches.</summary>
[Collection("TorchGlobalState")]
public class GradientDiagnosisTests
{
    static ScoreFunctionRollout Rollout(IAlgorithm algorithm, string envId)
    {
        var internals = (IOnPolicyInternals)algorithm;
        return new ScoreFunctionRollout(internals.Core, internals.Core.Net.NativeLayout()!, Envs.Make(envId), internals.Gamma);
    }

    /// <summary>∇θ log π(a|s) through the libtorch forward of the same flat buffer, with autograd.</summary>
    static float[] Autograd(IAlgorithm algorithm, float[] observation, float[] action, int actionSize)
    {
        var core = ((IOnPolicyInternals)algorithm).Core;
        using var scope = torch.NewDisposeScope();
        core.Net.Parameters.ZeroGrad();
        var weights = core.Net.Weights();
        var (head, _) = core.Net.Forward(torch.tensor(observation, [1, observation.Length]), weights);
        var actions = actionSize == 0 ? torch.tensor(new long[] { (long)action[0] }) : torch.tensor(action, [1, actionSize]);
        core.Net.Distribution(head, weights).LogProb(actions).sum().backward();
        return core.Net.Parameters.Grad.data<float>().ToArray();
    }

    [Theory]
    [InlineData("CartPole-v1", new float[] { 0.02f, -0.3f, 0.05f, 0.4f }, new float[] { 1 }, 0)]
    [InlineData("CartPole-v1", new float[] { -0.1f, 0.2f, -0.04f, -0.5f }, new float[] { 0 }, 0)]
    [InlineData("Pendulum-v1", new float[] { 0.6f, -0.8f, 1.5f }, new float[] { 0.7f }, 1)]
    public void Each_steps_score_equals_autograd_of_log_pi_through_the_same_network(string envId, float[] observation, float[] action, int actionSize)
    {
        OneThread();
        using var ppo = new Ppo(envId, new PpoOptions { NSteps = 16, BatchSize = 16 }, seed: 7);
        using var rollout = Rollout(ppo, envId);
        var native = new float[rollout.ParameterCount];
        rollout.Score(observation, action, native);
        var expected = Autograd(ppo, observation, action, actionSize);
        Assert.Equal(expected.Length, native.Length);
        Assert.Contains(expected, g => g != 0);
        for (int k = 0; k < native.Length; k++) Assert.True(Math.Abs(native[k] - expected[k]) <= 1e-5f + 1e-4f * Math.Abs(expected[k]), $"parameter {k}: native {native[k]}, autograd {expected[k]}");
    }

    [Fact]
    public void Without_truncations_gae_1_equals_the_value_baseline_and_a_baseline_lowers_the_variance()
    {
        OneThread();
        // An untrained CartPole policy: episodes of ~20 steps, all terminated (no time-limit bootstrap),
        // so GAE(λ = 1) is G_t − V(s_t) step by step.
        using var ppo = new Ppo("CartPole-v1", new PpoOptions { NSteps = 16, BatchSize = 16 }, seed: 3);
        var options = new GradientDiagnosisOptions
        {
            Estimators = GradientEstimatorSpec.ParseList("mc,mc-mean,mc-value,gae:1,optimal"), Batches = 12, BatchSize = 400, ReferenceBatches = 4, Seed = 5,
        };
        var report = GradientDiagnosis.Run(ppo, "CartPole-v1", null, options);
        var row = report.Estimators.ToDictionary(e => e.Estimator);
        Assert.Equal(row["mc-value"].TotalVariance, row["gae:1"].TotalVariance, 1e-4 * row["gae:1"].TotalVariance);
        Assert.Equal(row["mc-value"].MeanNorm, row["gae:1"].MeanNorm, 1e-4 * row["gae:1"].MeanNorm);
        // Returns-to-go here are all positive (10-40): subtracting their batch mean removes most of the variance,
        // and the per-parameter optimal constant baseline removes at least as much as the mean.
        Assert.True(row["mc"].TotalVariance > 2 * row["mc-mean"].TotalVariance, $"mc {row["mc"].TotalVariance} vs mc-mean {row["mc-mean"].TotalVariance}");
        Assert.True(row["optimal"].TotalVariance < row["mc-mean"].TotalVariance, $"optimal {row["optimal"].TotalVariance} vs mc-mean {row["mc-mean"].TotalVariance}");
        Assert.All(report.Estimators, e => Assert.True(e.CosineToReference > 0.5, $"{e.Estimator}: cosine {e.CosineToReference}"));
        Assert.InRange(report.MeanBatchSteps, 400, 600);
    }

    [Fact]
    public void The_same_seed_gives_the_same_report_and_off_policy_runs_are_refused()
    {
        OneThread();
        using var ppo = new Ppo("Pendulum-v1", new PpoOptions { NSteps = 16, BatchSize = 16 }, seed: 1);
        var options = new GradientDiagnosisOptions { Estimators = GradientEstimatorSpec.ParseList("mc,gae:0.9"), Batches = 3, BatchSize = 200, ReferenceBatches = 2 };
        var a = GradientDiagnosis.Run(ppo, "Pendulum-v1", null, options);
        var b = GradientDiagnosis.Run(ppo, "Pendulum-v1", null, options);
        Assert.Equal(a.Estimators, b.Estimators);
        Assert.Equal(200, a.MeanBatchSteps); // Pendulum's episodes are exactly 200 steps

        using var sac = new Sac("Pendulum-v1", new SacOptions { NetArch = [8] }, seed: 1);
        var e = Assert.Throws<NotSupportedException>(() => GradientDiagnosis.Run(sac, "Pendulum-v1", null, options));
        Assert.Contains("on-policy run", e.Message);
    }
}
