using System.Globalization;
using System.Security.Cryptography;
using PolicyGradient.Distributed;
using PolicyGradient.Language.Runs;
using PolicyGradient.Tests.Training;
using PolicyGradient.Training;
using TorchSharp;

namespace PolicyGradient.Tests.Distributed;

/// <summary>The group trainer with language rollout workers: two silos on loopback, the learner in this process.</summary>
[Collection("TorchGlobalState")]
public class LanguageClusterTests(LoopbackCluster cluster) : IClassFixture<LoopbackCluster>
{
    static readonly string[] Tiny =
    [
        "model.layers=1", "model.width=16", "model.heads=2", "model.max_positions=32", "eval_problems=8", "task.min_length=2", "task.max_length=4",
        "steps=3", "prompts_per_step=4", "group_size=4", "eval_every=0",
    ];

    static LanguageRunConfig Config(params string[] set) => LanguageRunConfig.Resolve("grpo", "Reverse-v0", null, [.. Tiny, .. set]);

    static string Train(LanguageRunConfig config, Action<PolicyGradient.Core.ILearner>? prepare, PolicyGradient.Core.IRunCallback? callback = null)
    {
        string dir = Path.Combine(TestRuns.TempDir(), "grpo");
        Trainer.Train(new LanguageRun(config), dir, new TrainingSession
        {
            PrepareLearner = prepare, TensorBoard = false, Plot = false, Callbacks = callback is null ? [] : [callback],
        });
        return dir;
    }

    /// <summary>After the first update, stops worker 0's grain: its next request fails as a lost worker's does.</summary>
    sealed class LoseWorkerAfterFirstStep(Action lose) : PolicyGradient.Core.IRunCallback
    {
        public bool OnUpdateEnd(PolicyGradient.Core.ILearner learner, PolicyGradient.Core.UpdateMetrics metrics)
        {
            if (metrics.Updates == 1) lose();
            return true;
        }
    }

    static string ModelHash(string dir) =>
        Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, "checkpoints", "final", "model.safetensors"))));

    static string[] Column(string dir, string name)
    {
        var lines = File.ReadAllLines(Path.Combine(dir, "progress.csv"));
        int i = Array.IndexOf(lines[0].Split(','), name);
        Assert.True(i >= 0, $"progress.csv has no column {name}: {lines[0]}");
        return lines.Skip(1).Select(l => l.Split(',')[i]).ToArray();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Sync_grpo_on_language_workers_ends_with_the_local_weights_bit_for_bit(int workers)
    {
        torch.set_num_threads(1);
        string local = Train(Config(), null);
        using var client = ClusterClient.Connect(cluster.ClusterId, cluster.Gateways, TimeSpan.FromSeconds(20));
        IReadOnlyList<WorkerInfo>? placed = null;
        var listed = new ListWorkersAfterSecondStep(client, workers, DateTime.UtcNow);
        string remote = Train(Config(), learner => placed = LanguageClusterSource.Attach(learner, client.Grains, workers), listed);

        Assert.Equal(workers, placed!.Count);
        Assert.Equal(2, placed.Select(p => p.Silo).Distinct().Count());   // spread over both silos
        Assert.Equal(ModelHash(local), ModelHash(remote));
        Assert.Equal(Column(local, "reward_mean"), Column(remote, "reward_mean"));
        Assert.Equal(Column(local, "response_length"), Column(remote, "response_length"));
        Assert.All(Column(remote, "workers"), w => Assert.Equal(workers.ToString(CultureInfo.InvariantCulture), w));
        Assert.All(Column(remote, "policy_lag_max"), w => Assert.Equal("0", w));
        // pg cluster status: the run's language workers, on both silos, at the version they sampled with, in tokens/s.
        var seen = listed.Workers;
        Assert.Equal(workers, seen.Length);
        Assert.Equal(2, seen.Select(w => w.Silo).Distinct().Count());
        Assert.All(seen, w => Assert.True(w.PolicyVersion >= 1 && w.EnvStepsPerSecond > 0, $"{w.Worker}: version {w.PolicyVersion}, {w.EnvStepsPerSecond} tokens/s"));
    }

    /// <summary>After the second update, the language workers the directory lists (what <c>pg cluster status</c> prints) that reported since the run began; reports are one-way, so it waits up to 10 s for them.</summary>
    sealed class ListWorkersAfterSecondStep(ClusterClient client, int expected, DateTime since) : PolicyGradient.Core.IRunCallback
    {
        public WorkerStatus[] Workers { get; private set; } = [];

        public bool OnUpdateEnd(PolicyGradient.Core.ILearner learner, PolicyGradient.Core.UpdateMetrics metrics)
        {
            if (metrics.Updates != 2) return true;
            var until = DateTime.UtcNow.AddSeconds(10);
            do Workers = client.Status().Workers.Where(w => w.Unit == "tokens" && w.ReportedUtc >= since).ToArray();
            while (Workers.Length < expected && DateTime.UtcNow < until && Sleep());
            return true;
        }

        static bool Sleep() { Thread.Sleep(100); return true; }
    }

    [Fact]
    public void A_lost_worker_is_re_created_and_the_sync_run_still_equals_the_local_one()
    {
        torch.set_num_threads(1);
        string local = Train(Config(), null);
        using var client = ClusterClient.Connect(cluster.ClusterId, cluster.Gateways, TimeSpan.FromSeconds(20));
        string runId = "lost-" + Guid.NewGuid().ToString("N")[..8];
        var lose = new LoseWorkerAfterFirstStep(() => client.Grains.GetGrain<ILanguageWorkerGrain>($"{runId}/0").Stop().GetAwaiter().GetResult());
        string remote = Train(Config(), learner => LanguageClusterSource.Attach(learner, client.Grains, 2, runId: runId), lose);
        // Sync requests carry θ, the rows and the generator state: the replacement samples what the lost worker would have.
        Assert.Equal(ModelHash(local), ModelHash(remote));
        Assert.Equal(Column(local, "reward_mean"), Column(remote, "reward_mean"));
    }

    [Fact]
    public void Async_grpo_trains_on_stale_completions_and_reports_policy_lag()
    {
        torch.set_num_threads(1);
        using var client = ClusterClient.Connect(cluster.ClusterId, cluster.Gateways, TimeSpan.FromSeconds(20));
        string dir = Train(Config("steps=6"), learner => LanguageClusterSource.Attach(learner, client.Grains, 2, maxPolicyLag: 1));
        Assert.Equal(6, File.ReadAllLines(Path.Combine(dir, "progress.csv")).Length - 1);
        var lags = Column(dir, "policy_lag_max").Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Assert.All(lags, l => Assert.InRange(l, 0, 1));   // never older than max_policy_lag
        var weights = Column(dir, "importance_weight_mean").Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Assert.All(weights, w => Assert.InRange(w, 0, LanguageClusterSource.DefaultTisCap));
        Assert.All(Column(dir, "dropped_batches"), d => Assert.True(double.Parse(d, CultureInfo.InvariantCulture) >= 0));
    }

    [Fact]
    public void Sft_and_options_the_workers_cannot_run_are_refused_with_the_fix()
    {
        using var client = ClusterClient.Connect(cluster.ClusterId, cluster.Gateways, TimeSpan.FromSeconds(20));
        var sft = LanguageRunConfig.Resolve("sft", "Reverse-v0", null, ["model.layers=1", "model.width=16", "model.heads=2", "model.max_positions=32"]);
        using (var learner = new LanguageRun(sft).CreateLearner(new TrainingSession(), restoring: false))
            Assert.Contains("group algorithms", Assert.Throws<ArgumentException>(() => LanguageClusterSource.Attach(learner, client.Grains, 2)).Message);
        using (var learner = new LanguageRun(Config()).CreateLearner(new TrainingSession(), restoring: false))
            Assert.Contains("prompts_per_step", Assert.Throws<ArgumentException>(() => LanguageClusterSource.Attach(learner, client.Grains, 3)).Message);
        using (var learner = new LanguageRun(Config("dynamic_sampling=true")).CreateLearner(new TrainingSession(), restoring: false))
            Assert.Contains("dynamic_sampling", Assert.Throws<ArgumentException>(() => LanguageClusterSource.Attach(learner, client.Grains, 2)).Message);
    }
}
