using System.Diagnostics;
using System.Net;
using PolicyGradient.Algorithms;
using PolicyGradient.Distributed;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Distributed;

/// <summary>Sync mode over Orleans: two silos on loopback, worker grains, the learner in this process.</summary>
[Collection("TorchGlobalState")]
public class ClusterSyncTests(LoopbackCluster cluster) : IClassFixture<LoopbackCluster>
{
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Sync_ppo_on_worker_grains_ends_with_the_local_weights_bit_for_bit(int workers)
    {
        OneThread();
        const long seed = 11, steps = 4 * 64 * 4;
        using var local = new Ppo("CartPole-v1", PartitionedRolloutTests.Short(4), seed);
        var expected = PartitionedRolloutTests.Train(local, steps);

        using var client = ClusterClient.Connect(cluster.ClusterId, cluster.Gateways, TimeSpan.FromSeconds(20));
        using var remote = new Ppo("CartPole-v1", PartitionedRolloutTests.Short(4), seed);
        var placed = ClusterRollouts.Attach(remote, client.Grains, workers);
        Assert.Equal(workers, placed.Count);
        var r = new Recorder();
        remote.Learn(steps, r);
        AssertSameWeights(expected.Weights, Weights(remote));
        Assert.All(r.Updates, u => Assert.Equal(workers, u.Values["workers"]));
        Assert.All(r.Updates, u => Assert.Equal(0, u.Values["policy_lag_max"]));
        Assert.All(r.Updates, u => Assert.True(u.Values["rollout_sps"] > 0));
    }

    [Fact]
    public void An_unreachable_gateway_fails_fast_with_one_clear_message()
    {
        var port = LoopbackCluster.FreePorts(1)[0];
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<ClusterConnectionException>(() =>
            ClusterClient.Connect(cluster.ClusterId, [new IPEndPoint(IPAddress.Loopback, port)], TimeSpan.FromSeconds(10)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.Contains($"127.0.0.1:{port}", e.Message);
        Assert.Contains("pg cluster silo", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void A_wrong_cluster_id_fails_fast_with_one_clear_message()
    {
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<ClusterConnectionException>(() =>
            ClusterClient.Connect("not-" + cluster.ClusterId, cluster.Gateways, TimeSpan.FromSeconds(10)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.Contains("not-" + cluster.ClusterId, e.Message);
    }

    [Fact]
    public void Workers_that_do_not_divide_n_envs_are_refused_with_the_fix()
    {
        using var client = ClusterClient.Connect(cluster.ClusterId, cluster.Gateways, TimeSpan.FromSeconds(20));
        using var ppo = new Ppo("CartPole-v1", PartitionedRolloutTests.Short(4));
        var e = Assert.Throws<ArgumentException>(() => ClusterRollouts.Attach(ppo, client.Grains, 3));
        Assert.Contains("n_envs", e.Message);
    }

    // A request the learner sent again (a silo died while it was out) may also be delivered late, through a gateway that
    // was only paused: the worker answers the copy with the slice it computed and steps its env copies once per version.
    [Fact]
    public void A_sync_rollout_request_delivered_twice_steps_the_env_copies_once()
    {
        using var client = ClusterClient.Connect(cluster.ClusterId, cluster.Gateways, TimeSpan.FromSeconds(20));
        using var ppo = new Ppo("CartPole-v1", PartitionedRolloutTests.Short(4));
        string runId = "twice-" + Guid.NewGuid().ToString("N")[..8];
        ClusterRollouts.Attach(ppo, client.Grains, 2, runId);   // 2 copies per worker
        var layout = ((ISavableAlgorithm)ppo).Core.Net.NativeLayout()!;
        var grain = client.Grains.GetGrain<IRolloutWorkerGrain>($"{runId}/0");
        var request = new RolloutRequest { Version = 1, Weights = new float[layout.ParameterCount], Noise = Enumerable.Repeat(0.25f, 8 * 2).ToArray(), Steps = 8 };

        var first = grain.Rollout(request).GetAwaiter().GetResult();
        byte[] after = grain.SaveState().GetAwaiter().GetResult();
        var again = grain.Rollout(request).GetAwaiter().GetResult();
        Assert.Equal(first.Observations, again.Observations);
        Assert.Equal(first.Rewards, again.Rewards);
        Assert.Equal(after, grain.SaveState().GetAwaiter().GetResult());   // not stepped again

        var next = grain.Rollout(request with { Version = 2 }).GetAwaiter().GetResult();
        Assert.Equal(first.LastObservations, next.Observations[..first.LastObservations.Length]);   // continues where version 1 ended
        Assert.NotEqual(after, grain.SaveState().GetAwaiter().GetResult());
    }

    [Fact]
    public void A_worker_refuses_a_learner_of_another_build_by_name()
    {
        using var client = ClusterClient.Connect(cluster.ClusterId, cluster.Gateways, TimeSpan.FromSeconds(20));
        var grain = client.Grains.GetGrain<IRolloutWorkerGrain>("version-test/0");
        var e = Assert.ThrowsAny<Exception>(() => grain.Start(new WorkerSetup { Protocol = "0.0.0-other", EnvId = "CartPole-v1", Count = 1 }).GetAwaiter().GetResult());
        Assert.Contains("version mismatch", e.Message);
        Assert.Contains("0.0.0-other", e.Message);
        Assert.Contains(DistributedProtocol.Version, e.Message);
    }

    [Fact]
    public void A_learner_of_another_build_is_refused_at_the_handshake_with_one_line()
    {
        var e = Assert.Throws<ClusterConnectionException>(() =>
            ClusterClient.ConnectAs(cluster.ClusterId, cluster.Gateways, TimeSpan.FromSeconds(20), "0.0.0-other"));
        Assert.StartsWith("version mismatch", e.Message);
        Assert.Contains("0.0.0-other", e.Message);
        Assert.Contains(DistributedProtocol.Version, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void Scalar_env_kwargs_cross_the_wire_with_their_types_and_others_are_refused()
    {
        var kwargs = new Dictionary<string, object> { ["a"] = true, ["b"] = 3L, ["c"] = 4, ["d"] = 0.1, ["e"] = "x:y" };
        var back = EnvKwargsText.Read(EnvKwargsText.Write(kwargs))!;
        Assert.Equal(kwargs.OrderBy(k => k.Key), back.OrderBy(k => k.Key));
        Assert.All(kwargs, k => Assert.Equal(k.Value.GetType(), back[k.Key].GetType()));
        var e = Assert.Throws<ArgumentException>(() => EnvKwargsText.Write(new Dictionary<string, object> { ["l"] = new List<object> { 1 } }));
        Assert.Contains("env kwarg l", e.Message);
    }
}
