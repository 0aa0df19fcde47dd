using PolicyGradient.Algorithms;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Core;
using PolicyGradient.Diagnostics;
using PolicyGradient.Training.Configuration;
using PolicyGradient.VarianceReduction;
using TorchSharp;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.VarianceReduction;

/// <summary>sampling: props on PPO: the behaviour policy moves inside a rollout, the update sees the target's log-probabilities.</summary>
[Collection("TorchGlobalState")]
public class PropsSamplingTests
{
    /// <summary>At each rollout end (after PROPS restored θ): the flat buffer against the weights the update ended with, and the buffer's log π against θ's.</summary>
    sealed class Probe : ITrainingCallback
    {
        public float[]? AfterUpdate;
        public List<bool> SameWeights { get; } = [];
        public List<double> LogProbGap { get; } = [];
        public List<Dictionary<string, double>> Metrics { get; } = [];

        public void OnTrainingStart(IAlgorithm algorithm) => AfterUpdate = GradientDiagnosis.PolicyParameters(algorithm);

        public void OnRolloutEnd(IAlgorithm algorithm)
        {
            var core = ((IOnPolicyInternals)algorithm).Core;
            SameWeights.Add(GradientDiagnosis.PolicyParameters(algorithm).SequenceEqual(AfterUpdate!));
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var buffer = core.Buffer;
            int rows = buffer.NumSteps * buffer.NumEnvs;
            var weights = core.Net.Weights();
            var (head, _) = core.Net.Forward(buffer.Observations.reshape(rows, buffer.ObservationSize), weights);
            var logProbs = core.Net.Distribution(head, weights).LogProb(buffer.Actions.reshape(rows));
            LogProbGap.Add((logProbs - buffer.LogProbs.reshape(rows)).abs().max().item<float>());
        }

        public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics)
        {
            AfterUpdate = GradientDiagnosis.PolicyParameters(algorithm);
            Metrics.Add(new Dictionary<string, double>(metrics.Values));
            return true;
        }
    }

    static PpoOptions Options(RolloutSampling sampling, ComputeBackend backend) => new()
    {
        NSteps = 32, NEnvs = 4, BatchSize = 64, NEpochs = 4, Backend = backend, Sampling = sampling,
        Props = new PropsOptions { UpdateEvery = 8, LearningRate = 1e-3, TargetKl = 0.05 },
    };

    [Theory]
    [InlineData(ComputeBackend.Native)]
    [InlineData(ComputeBackend.LibTorch)]
    public void The_behaviour_moves_inside_each_rollout_and_the_update_sees_the_target_policy(ComputeBackend backend)
    {
        OneThread();
        using var ppo = new Ppo("CartPole-v1", Options(RolloutSampling.Props, backend), seed: 2);
        var probe = new Probe();
        ppo.Learn(4 * 128, probe);
        Assert.Equal(4, probe.Metrics.Count);
        Assert.All(probe.SameWeights, Assert.True);                  // θ is back in the flat buffer when the rollout ends
        Assert.All(probe.LogProbGap, gap => Assert.True(gap < 1e-5, $"stored log π differs from θ's by {gap}"));
        foreach (var m in probe.Metrics)
        {
            Assert.Equal(3, m["props_updates"]);                     // after 8, 16 and 24 of the 32 steps
            Assert.True(m["props_approx_kl"] > 0, "the behaviour policy moved");
            Assert.InRange(m["props_clip_fraction"], 0, 1);
            Assert.True(m.ContainsKey(RolloutSamplingError.Metric));
        }
    }

    [Fact]
    public void Props_runs_differ_from_on_policy_runs_and_repeat_exactly()
    {
        OneThread();
        using var plain = new Ppo("CartPole-v1", Options(RolloutSampling.OnPolicy, ComputeBackend.Native), seed: 2);
        using var props = new Ppo("CartPole-v1", Options(RolloutSampling.Props, ComputeBackend.Native), seed: 2);
        using var again = new Ppo("CartPole-v1", Options(RolloutSampling.Props, ComputeBackend.Native), seed: 2);
        plain.Learn(2 * 128);
        props.Learn(2 * 128);
        again.Learn(2 * 128);
        Assert.False(GradientDiagnosis.PolicyParameters(plain).SequenceEqual(GradientDiagnosis.PolicyParameters(props)));
        AssertSameWeights(Weights(props), Weights(again));
    }

    [Theory]
    [InlineData(ComputeBackend.Native)]
    [InlineData(ComputeBackend.LibTorch)]
    public void Capture_and_restore_continue_bit_identically(ComputeBackend backend)
    {
        OneThread();
        using var first = new Ppo("CartPole-v1", Options(RolloutSampling.Props, backend), seed: 6);
        first.Learn(2 * 128);
        using var state = first.CaptureState();
        first.Learn(4 * 128);
        var continued = Weights(first);
        using var second = new Ppo("CartPole-v1", Options(RolloutSampling.Props, backend), seed: 999);
        second.RestoreState(state);
        second.Learn(4 * 128);
        Assert.Equal(first.NumUpdates, second.NumUpdates);
        AssertSameWeights(continued, Weights(second));
    }

    [Fact]
    public void Sampling_and_props_bind_as_config_keys()
    {
        var config = ConfigResolver.Resolve("ppo", "CartPole-v1", null, ["sampling=props", "props.update_every=4", "props.clip_range=0.3"]);
        var options = (PpoOptions)config.Options;
        Assert.Equal(RolloutSampling.Props, options.Sampling);
        Assert.Equal(4, options.Props.UpdateEvery);
        Assert.Equal(0.3, options.Props.ClipRange);
        var plain = ConfigResolver.Resolve("ppo", "CartPole-v1", null, []);
        Assert.Equal(RolloutSampling.OnPolicy, ((PpoOptions)plain.Options).Sampling);
    }
}
