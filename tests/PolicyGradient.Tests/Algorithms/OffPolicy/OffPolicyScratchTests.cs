using PolicyGradient.Algorithms;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Algorithms.OffPolicy;

[Collection("TorchGlobalState")]
public class OffPolicyScratchTests
{
    [Fact]
    public void Scratch()
    {
        OneThread();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var sac = new Sac("Pendulum-v1", new SacOptions { LearningRate = 1e-3, LogInterval = 1000 }, seed: 1);
        var recorder = new Recorder();
        sac.Learn(8000, recorder);
        foreach (var u in recorder.Updates)
            Console.WriteLine($"t={u.Timesteps} " + string.Join(" ", u.Values.Select(kv => $"{kv.Key}={kv.Value:G4}")));
        Console.WriteLine($"eval {OffPolicyLearningTests.EvaluatePendulum(sac, 5, 100):F1} in {clock.Elapsed.TotalSeconds:F1}s");
    }
}
