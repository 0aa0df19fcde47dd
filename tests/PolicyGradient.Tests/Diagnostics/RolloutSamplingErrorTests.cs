using PolicyGradient.Algorithms;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Core;
using PolicyGradient.Diagnostics;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Diagnostics;

/// <summary>Every on-policy algorithm logs sampling_error, on either backend, measured before its update.</summary>
[Collection("TorchGlobalState")]
public class RolloutSamplingErrorTests
{
    /// <summary>Measures the buffer when the rollout ends (the weights that collected it), next to the run's own metric.</summary>
    sealed class Probe : ITrainingCallback
    {
        public List<double?> AtRolloutEnd { get; } = [];
        public List<double?> Logged { get; } = [];
        public void OnRolloutEnd(IAlgorithm algorithm) => AtRolloutEnd.Add(RolloutSamplingError.Measure(((IOnPolicyInternals)algorithm).Core));
        public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics)
        {
            Logged.Add(metrics.Values.TryGetValue(RolloutSamplingError.Metric, out double v) ? v : null);
            return true;
        }
    }

    public static TheoryData<string, string, ComputeBackend> Runs() => new()
    {
        { "ppo", "CartPole-v1", ComputeBackend.Native },
        { "ppo", "CartPole-v1", ComputeBackend.LibTorch },
        { "ppo", "Pendulum-v1", ComputeBackend.Native },
        { "a2c", "CartPole-v1", ComputeBackend.LibTorch },
        { "reinforce", "Pendulum-v1", ComputeBackend.Native },
        { "trpo", "CartPole-v1", ComputeBackend.Native },
        { "trpo", "Pendulum-v1", ComputeBackend.LibTorch },
    };

    static IAlgorithm Make(string algorithm, string envId, ComputeBackend backend) => algorithm switch
    {
        "ppo" => new Ppo(envId, new PpoOptions { NSteps = 128, BatchSize = 64, NEpochs = 2, Backend = backend }, seed: 4),
        "a2c" => new A2c(envId, new A2cOptions { NSteps = 32, NEnvs = 4, Backend = backend }, seed: 4),
        "reinforce" => new Reinforce(envId, new ReinforceOptions { NSteps = 128, Backend = backend }, seed: 4),
        _ => new Trpo(envId, new TrpoOptions { NSteps = 128, BatchSize = 64, Backend = backend }, seed: 4),
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void The_logged_sampling_error_is_the_rollouts_error_under_the_policy_that_collected_it(string algorithm, string envId, ComputeBackend backend)
    {
        OneThread();
        using var run = Make(algorithm, envId, backend);
        var probe = new Probe();
        run.Learn(3 * 128, probe);
        Assert.True(probe.Logged.Count >= 2, $"{probe.Logged.Count} updates");
        Assert.Equal(probe.AtRolloutEnd, probe.Logged);
        // 128 samples: a few (free parameters)/(2N) above 0, far below the error of a batch of one action (ln 2 for CartPole's start).
        Assert.All(probe.Logged, v => Assert.InRange(v!.Value, 1e-9, 0.2));
    }
}
