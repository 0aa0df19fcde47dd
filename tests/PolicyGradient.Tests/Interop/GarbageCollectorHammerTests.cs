using PolicyGradient.Algorithms;
using PolicyGradient.Core;

namespace PolicyGradient.Tests.Interop;

/// <summary>
/// The crash an implicit TorchSharp Scalar causes (its finalizer frees the native Scalar while libtorch
/// reads it: "Expected false to be true ... toFloat at Scalar.h", "Unknown scalar type") shows only
/// when a garbage collection lands inside a libtorch call. Here a thread collects and runs finalizers
/// without pause while the libtorch paths of the algorithms train: with an implicit Scalar left in an
/// update, a few hundred updates are enough to hit it (measured here: A2C failed within 2-3 s); with
/// explicit Scalars nothing can be freed early and training runs through.
/// </summary>
public sealed class GarbageCollectorHammerTests
{
    static void UnderConstantCollection(Action train)
    {
        using var stop = new CancellationTokenSource();
        var hammer = new Thread(() =>
        {
            while (!stop.IsCancellationRequested) { GC.Collect(); GC.WaitForPendingFinalizers(); }
        }) { IsBackground = true, Name = "gc-hammer" };
        hammer.Start();
        try { train(); }
        finally { stop.Cancel(); hammer.Join(); }
    }

    static void Train(IAlgorithm algorithm, long timesteps)
    {
        using (algorithm)
        {
            algorithm.Learn(timesteps);
            Assert.Equal(timesteps, Math.Min(algorithm.NumTimesteps, timesteps));
            Assert.True(algorithm.NumUpdates > 0);
        }
    }

    [Fact]
    public void PpoOnLibTorchTrainsThroughConstantGarbageCollection() => UnderConstantCollection(() =>
        Train(new Ppo("CartPole-v1", new PpoOptions { Backend = ComputeBackend.LibTorch, NEnvs = 2, NSteps = 32, BatchSize = 16, NEpochs = 4 }, seed: 0), 3_000));

    [Fact]
    public void A2cOnLibTorchTrainsThroughConstantGarbageCollection() => UnderConstantCollection(() =>
        Train(new A2c("CartPole-v1", new A2cOptions { Backend = ComputeBackend.LibTorch, NEnvs = 4 }, seed: 0), 10_000));

    [Fact]
    public void A2cWithAdamOnPendulumTrainsThroughConstantGarbageCollection() => UnderConstantCollection(() =>
        Train(new A2c("Pendulum-v1", new A2cOptions { Backend = ComputeBackend.LibTorch, NEnvs = 4, UseRmsProp = false }, seed: 0), 6_000));

    [Fact]
    public void TrpoOnLibTorchTrainsThroughConstantGarbageCollection() => UnderConstantCollection(() =>
        Train(new Trpo("CartPole-v1", new TrpoOptions { Backend = ComputeBackend.LibTorch, NEnvs = 2, NSteps = 256, BatchSize = 128, NCriticUpdates = 5 }, seed: 0), 4_096));

    [Fact]
    public void ReinforceOnLibTorchTrainsThroughConstantGarbageCollection() => UnderConstantCollection(() =>
        Train(new Reinforce("CartPole-v1", new ReinforceOptions { Backend = ComputeBackend.LibTorch, NEnvs = 2, NSteps = 200 }, seed: 0), 6_000));
}
