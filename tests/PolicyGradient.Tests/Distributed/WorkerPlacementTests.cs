using PolicyGradient.Algorithms;
using PolicyGradient.Distributed;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Distributed;

/// <summary>Workers are spread over the silos, and the directory shows each worker's end-to-end rate next to its stepping rate.</summary>
[Collection("TorchGlobalState")]
public class WorkerPlacementTests(LoopbackCluster cluster) : IClassFixture<LoopbackCluster>
{
    [Fact]
    public void Four_workers_on_two_silos_run_two_on_each()
    {
        OneThread();
        using var client = ClusterClient.Connect(cluster.ClusterId, cluster.Gateways, TimeSpan.FromSeconds(20));
        using var ppo = new Ppo("CartPole-v1", PartitionedRolloutTests.Short(4), 5);
        var placed = ClusterRollouts.Attach(ppo, client.Grains, 4);
        var perSilo = placed.GroupBy(w => w.Silo).Select(g => g.Count()).OrderBy(c => c).ToArray();
        Assert.Equal([2, 2], perSilo);
    }

    [Fact]
    public void The_directory_reports_end_to_end_rates_no_higher_than_the_stepping_rates()
    {
        OneThread();
        using var client = ClusterClient.Connect(cluster.ClusterId, cluster.Gateways, TimeSpan.FromSeconds(20));
        using var ppo = new Ppo("CartPole-v1", PartitionedRolloutTests.Short(4), 6);
        string run = "placement-" + Guid.NewGuid().ToString("N")[..8];
        ClusterRollouts.Attach(ppo, client.Grains, 2, run);
        ppo.Learn(2 * 64 * 4, null);
        // One-way reports: give the directory a moment to receive the last ones.
        WorkerStatus[] mine = [];
        for (int i = 0; i < 50 && mine.Length < 2; i++, Thread.Sleep(100))
            mine = client.Status().Workers.Where(w => w.Worker.StartsWith(run, StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, mine.Length);
        Assert.All(mine, w =>
        {
            Assert.True(w.StepsPerSecond > 0, $"{w.Worker}: {w.StepsPerSecond}");
            // End to end includes the stepping plus both messages, so it can only be slower.
            Assert.True(w.StepsPerSecond <= w.EnvStepsPerSecond, $"{w.Worker}: end to end {w.StepsPerSecond}, stepping {w.EnvStepsPerSecond}");
        });
    }
}
