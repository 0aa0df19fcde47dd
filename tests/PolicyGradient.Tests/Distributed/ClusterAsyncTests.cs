using PolicyGradient.Algorithms;
using PolicyGradient.Distributed;
using PolicyGradient.Objectives;
using TorchSharp;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Distributed;

/// <summary>Async mode over Orleans (IMPALA-style): two silos on loopback, workers that never wait, stale batches corrected or dropped.</summary>
[Collection("TorchGlobalState")]
public class ClusterAsyncTests(LoopbackCluster cluster) : IClassFixture<LoopbackCluster>
{
    static PpoOptions Learning() => new()
    {
        NEnvs = 8, NSteps = 128, BatchSize = 256, NEpochs = 4, LearningRate = 1e-3, Backend = ComputeBackend.Native,
    };

    [Fact]
    public void Async_ppo_on_cartpole_improves_and_learns_from_stale_batches()
    {
        OneThread();
        using var client = ClusterClient.Connect(cluster.ClusterId, cluster.Gateways, TimeSpan.FromSeconds(20));
        using var ppo = new Ppo("CartPole-v1", Learning(), seed: 5);
        ClusterRollouts.Attach(ppo, client.Grains, 4, maxPolicyLag: 4);
        var r = new Recorder();
        ppo.Learn(60_000, r);
        var means = r.Updates.Select(u => u.Values.GetValueOrDefault("episode_return_mean", double.NaN)).ToArray();
        double first = means.First(m => !double.IsNaN(m)), last = means[^1];
        Assert.True(last > 2.5 * first && last > 60, $"the mean return went {first:0.0} -> {last:0.0}: {string.Join(", ", means.Select(m => m.ToString("0")))}");
        Assert.Contains(r.Updates, u => u.Values["policy_lag_max"] > 0); // workers act with weights older than the learner's
        Assert.All(r.Updates, u => Assert.InRange(u.Values["policy_lag_max"], 0, 4));
        Assert.All(r.Updates, u => Assert.Equal(4, u.Values["workers"]));
        Assert.All(r.Updates, u => Assert.True(u.Values["learner_sps"] > 0 && u.Values["rollout_sps"] > 0));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Slices_older_than_max_policy_lag_are_dropped_and_counted(int maxLag)
    {
        OneThread();
        using var client = ClusterClient.Connect(cluster.ClusterId, cluster.Gateways, TimeSpan.FromSeconds(20));
        using var ppo = new Ppo("CartPole-v1", PartitionedRolloutTests.Short(4), seed: 2);
        ClusterRollouts.Attach(ppo, client.Grains, 2, maxPolicyLag: maxLag);
        var r = new Recorder();
        ppo.Learn(4 * 64 * 8, r);
        Assert.Equal(8, r.Updates.Count); // dropped slices add no timesteps: exactly 8 batches of 4 × 64 were learned from
        Assert.All(r.Updates, u => Assert.InRange(u.Values["policy_lag_max"], 0, maxLag));
        // Each worker always has a second request queued with the weights of its issue time, so after
        // an update some arriving slices are a version (or more) behind.
        double dropped = r.Updates.Sum(u => u.Values["dropped_batches"]);
        if (maxLag == 0) Assert.True(dropped > 0, "no slice was dropped with max_policy_lag 0");
        Assert.Equal(r.Updates.Count * 4 * 64, r.Updates[^1].Timesteps);
    }

    [Fact]
    public void Async_a2c_trains_with_vtrace_on_worker_slices()
    {
        OneThread();
        using var client = ClusterClient.Connect(cluster.ClusterId, cluster.Gateways, TimeSpan.FromSeconds(20));
        using var a2c = new A2c("CartPole-v1", new A2cOptions { NEnvs = 4, NSteps = 8, Backend = ComputeBackend.Native }, seed: 1);
        ClusterRollouts.Attach(a2c, client.Grains, 2, maxPolicyLag: 3);
        var r = new Recorder();
        a2c.Learn(4 * 8 * 30, r);
        Assert.Equal(30, r.Updates.Count);
        Assert.All(r.Updates, u => Assert.True(double.IsFinite(u.Values["policy_loss"]) && double.IsFinite(u.Values["value_loss"])));
        Assert.Contains(r.Updates, u => u.Values["policy_lag_max"] > 0);
    }

    [Fact]
    public void Async_mode_refuses_algorithms_it_cannot_correct()
    {
        using var client = ClusterClient.Connect(cluster.ClusterId, cluster.Gateways, TimeSpan.FromSeconds(20));
        using var trpo = new Trpo("CartPole-v1", new TrpoOptions { NEnvs = 4 });
        var e = Assert.Throws<ArgumentException>(() => ClusterRollouts.Attach(trpo, client.Grains, 2, maxPolicyLag: 4));
        Assert.Contains("sync", e.Message);
    }

    /// <summary>
    /// Why PPO's own step minimizes the decoupled loss (Hilton et al. 2021) once the advantages carry
    /// w = π_prox/μ: w·min(rA, clip(r)A) = min(r·wA, clip(r)·wA) for w ≥ 0, element by element.
    /// </summary>
    [Fact]
    public void Decoupled_clipping_equals_the_clipped_surrogate_on_weighted_advantages()
    {
        using var scope = torch.NewDisposeScope();
        var logProbs = torch.tensor(new[] { -0.2f, -1.5f, -0.7f, -2.0f, -0.05f, -0.9f });
        var proximal = torch.tensor(new[] { -0.4f, -1.2f, -0.7f, -1.0f, -0.5f, -0.95f });
        var behaviour = torch.tensor(new[] { -0.3f, -2.0f, -0.1f, -1.1f, -0.6f, -0.2f });
        var advantages = torch.tensor(new[] { 1.0f, -0.5f, 2.0f, 0.3f, -1.2f, 0.8f });
        var (decoupled, _, weights) = DecoupledClippedSurrogate.Compute(logProbs, proximal, behaviour, advantages, 0.2, 0.2);
        var (plain, _) = ClippedSurrogateObjective.Compute(logProbs, proximal, advantages.mul(weights), 0.2, 0.2);
        var a = decoupled.data<float>().ToArray();
        var b = plain.data<float>().ToArray();
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 5);
        // Hand-computed element 0: r = e^{0.2} = 1.2214 → clipped at 1.2, w = e^{-0.1} = 0.904837: −0.904837·1.2·1.0.
        Assert.Equal(-0.904837 * 1.2, a[0], 5);
    }
}
