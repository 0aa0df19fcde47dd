using PolicyGradient.Algorithms;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Algorithms.OnPolicy.Partitions;
using PolicyGradient.Core;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Distributed;

/// <summary>
/// The partition seam without Orleans: rollouts split over in-process partitions give the same bits
/// as the in-process rollout, and the native kernels give a row the same bits in any batch size
/// (the reason the split can be exact).
/// </summary>
[Collection("TorchGlobalState")]
public class PartitionedRolloutTests
{
    internal static PpoOptions Short(int nEnvs) => new()
    {
        NEnvs = nEnvs, NSteps = 64, BatchSize = 64, NEpochs = 2, Gamma = 0.98, GaeLambda = 0.8, Backend = ComputeBackend.Native,
    };

    /// <summary>Partitions in this process, each a <see cref="RolloutPartitionWorker"/> (what a worker grain wraps).</summary>
    sealed class LocalPartitions(RolloutPartitionWorker[] workers) : IRolloutPartitions
    {
        public int Count => workers.Length;
        public IReadOnlyList<PartitionRollout> Collect(long version, float[] theta, IReadOnlyList<float[]> noise, int steps) =>
            workers.Select((w, p) => { w.SetWeights(theta, version); return w.Run(noise[p], steps); }).ToArray();
        public void SaveState(BinaryWriter writer) { foreach (var w in workers) { var s = w.SaveState(); writer.Write(s.Length); writer.Write(s); } }
        public void LoadState(BinaryReader reader) { foreach (var w in workers) w.LoadState(reader.ReadBytes(reader.ReadInt32())); }
        public void Dispose() { foreach (var w in workers) w.Dispose(); }
    }

    static void Partition(IAlgorithm algorithm, string envId, long seed, int count)
    {
        var core = ((ISavableAlgorithm)algorithm).Core;
        var layout = core.Net.NativeLayout()!;
        int m = core.Env.NumEnvs / count;
        core.UsePartitions(new LocalPartitions(Enumerable.Range(0, count)
            .Select(p => new RolloutPartitionWorker(envId, null, seed, p * m, m, layout)).ToArray()));
    }

    internal static (Dictionary<string, float[]> Weights, List<double> Metrics) Train(IAlgorithm ppo, long steps)
    {
        var r = new Recorder();
        ppo.Learn(steps, r);
        var metrics = r.Updates.SelectMany(u => new[] { u.Values.GetValueOrDefault("policy_loss", double.NaN), u.Values.GetValueOrDefault("value_loss", double.NaN), u.Values.GetValueOrDefault("episode_return_mean", double.NaN) })
            .Concat(r.Updates.SelectMany(u => u.EpisodeReturns)).ToList();
        return (Weights(ppo), metrics);
    }

    [Theory]
    [InlineData("CartPole-v1", 2)]
    [InlineData("CartPole-v1", 4)]
    [InlineData("Pendulum-v1", 2)] // Gaussian head; 200-step time limit: truncation bootstraps on the workers
    public void Partitioned_rollouts_give_the_in_process_weights_bit_for_bit(string envId, int partitions)
    {
        OneThread();
        const long seed = 3, steps = 4 * 64 * 4;
        using var local = new Ppo(envId, Short(4), seed);
        var expected = Train(local, steps);
        using var split = new Ppo(envId, Short(4), seed);
        Partition(split, envId, seed, partitions);
        var actual = Train(split, steps);
        AssertSameWeights(expected.Weights, actual.Weights);
        Assert.Equal(expected.Metrics, actual.Metrics);
        Assert.Contains(expected.Metrics, double.IsFinite);
    }

    [Theory]
    [InlineData("a2c")]
    [InlineData("reinforce")]
    [InlineData("trpo")]
    public void The_other_on_policy_algorithms_share_the_partitioned_rollout_bit_for_bit(string algorithm)
    {
        OneThread();
        const long seed = 8, steps = 4 * 64 * 3;
        IAlgorithm Make() => algorithm switch
        {
            "a2c" => new A2c("CartPole-v1", new A2cOptions { NEnvs = 4, NSteps = 64, Backend = ComputeBackend.Native }, seed),
            "reinforce" => new Reinforce("CartPole-v1", new ReinforceOptions { NEnvs = 4, NSteps = 64, Backend = ComputeBackend.Native }, seed),
            _ => new Trpo("CartPole-v1", new TrpoOptions { NEnvs = 4, NSteps = 64, BatchSize = 64, Backend = ComputeBackend.Native }, seed),
        };
        using var local = Make();
        var expected = Train(local, steps);
        using var split = Make();
        Partition(split, "CartPole-v1", seed, 2);
        var actual = Train(split, steps);
        AssertSameWeights(expected.Weights, actual.Weights);
        Assert.Equal(expected.Metrics, actual.Metrics);
    }

    [Fact]
    public void A_checkpoint_of_a_partitioned_run_resumes_exactly_and_refuses_the_in_process_path()
    {
        OneThread();
        const long seed = 5;
        using var whole = new Ppo("CartPole-v1", Short(4), seed);
        Partition(whole, "CartPole-v1", seed, 2);
        whole.Learn(2 * 64 * 4);
        using var state = whole.CaptureState();
        var expected = Train(whole, 4 * 64 * 4).Weights;

        using var resumed = new Ppo("CartPole-v1", Short(4), seed);
        Partition(resumed, "CartPole-v1", seed, 2);
        resumed.RestoreState(state);
        AssertSameWeights(expected, Train(resumed, 4 * 64 * 4).Weights);

        using var plain = new Ppo("CartPole-v1", Short(4), seed);
        var e = Assert.Throws<InvalidDataException>(() => plain.RestoreState(state));
        Assert.Contains("cluster run", e.Message);
    }

    [Fact]
    public void Partitions_refuse_observation_normalization_and_the_libtorch_backend_by_key()
    {
        using var normalized = new Ppo("CartPole-v1", Short(4) with { NormalizeObservations = true });
        var e = Assert.Throws<ArgumentException>(() => Partition(normalized, "CartPole-v1", 0, 2));
        Assert.Contains("normalize_observations=false", e.Message);
        using var libtorch = new Ppo("CartPole-v1", Short(4) with { Backend = ComputeBackend.LibTorch });
        var core = ((ISavableAlgorithm)libtorch).Core;
        e = Assert.Throws<ArgumentException>(() => core.UsePartitions(new LocalPartitions([])));
        Assert.Contains("backend=native", e.Message);
    }

    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Pendulum-v1")]
    public void The_native_forward_gives_each_row_the_same_bits_in_any_batch_size(string envId)
    {
        using var ppo = new Ppo(envId, Short(8)); // 64-64 tanh MLP: the wide (transposed-W, 4-row block) GEMM path
        var core = ((ISavableAlgorithm)ppo).Core;
        var layout = core.Net.NativeLayout()!;
        var theta = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(core.Net.Parameters.Data.bytes).ToArray();
        const int rows = 11; // not a multiple of the 4-row GEMM block
        var rng = new Random(7);
        var x = Enumerable.Range(0, rows * layout.InputSize).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var batch = new NativeActorCritic(layout, rows);
        batch.Forward(theta, x, rows);
        int k = layout.Head.Outputs;
        var single = new NativeActorCritic(layout, rows);
        for (int split = 1; split <= rows; split++)
            for (int start = 0; start < rows; start += split)
            {
                int b = Math.Min(split, rows - start);
                single.Forward(theta, x.AsSpan(start * layout.InputSize, b * layout.InputSize), b);
                Assert.True(single.Head(b).SequenceEqual(batch.Head(rows).Slice(start * k, b * k)), $"head rows {start}..{start + b} differ in a batch of {b}");
                Assert.True(single.Value(b).SequenceEqual(batch.Value(rows).Slice(start, b)), $"values {start}..{start + b} differ in a batch of {b}");
            }
    }
}
