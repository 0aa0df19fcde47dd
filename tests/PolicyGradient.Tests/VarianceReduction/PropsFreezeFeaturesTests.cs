using PolicyGradient.Algorithms;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Core;
using PolicyGradient.Diagnostics;
using PolicyGradient.Training.Configuration;
using PolicyGradient.VarianceReduction;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.VarianceReduction;

/// <summary>props.freeze_features: the behaviour policy differs from θ only in the action head and log σ.</summary>
[Collection("TorchGlobalState")]
public class PropsFreezeFeaturesTests
{
    /// <summary>At every step, the flat-buffer entries where φ (the weights acting) differs from θ (the weights the last update ended with).</summary>
    sealed class Probe : ITrainingCallback
    {
        float[]? _theta;
        public HashSet<int> Moved { get; } = [];

        public void OnTrainingStart(IAlgorithm algorithm) => _theta = GradientDiagnosis.PolicyParameters(algorithm);

        public bool OnStep(IAlgorithm algorithm)
        {
            var phi = GradientDiagnosis.PolicyParameters(algorithm);
            for (int k = 0; k < phi.Length; k++)
                if (phi[k] != _theta![k]) Moved.Add(k);
            return true;
        }

        public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics)
        {
            _theta = GradientDiagnosis.PolicyParameters(algorithm);
            return true;
        }
    }

    // The entries φ moved away from θ during training, and those of the action head and log σ.
    static (HashSet<int> Moved, HashSet<int> Head) Run(bool freeze, ComputeBackend backend)
    {
        OneThread();
        var options = new PpoOptions
        {
            NSteps = 32, NEnvs = 2, BatchSize = 32, NEpochs = 2, Backend = backend, Sampling = RolloutSampling.Props,
            Props = new PropsOptions { UpdateEvery = 8, LearningRate = 1e-3, TargetKl = 0.05, FreezeFeatures = freeze },
        };
        using var ppo = new Ppo("Pendulum-v1", options, seed: 4);
        var probe = new Probe();
        ppo.Learn(2 * 64, probe);
        var layout = ((IOnPolicyInternals)ppo).Core.Net.Layout;
        var head = layout.Head;
        var allowed = Enumerable.Range(head.WeightOffset, head.Inputs * head.Outputs).Concat(Enumerable.Range(head.BiasOffset, head.Outputs))
            .Concat(Enumerable.Range(layout.LogStdOffset, head.Outputs)).ToHashSet();
        return (probe.Moved, allowed);
    }

    [Theory]
    [InlineData(ComputeBackend.Native)]
    [InlineData(ComputeBackend.LibTorch)]
    public void Only_the_head_and_log_std_move_and_without_it_the_hidden_layers_move_too(ComputeBackend backend)
    {
        var (moved, head) = Run(freeze: true, backend);
        Assert.True(moved.Overlaps(head), "the behaviour policy moved");
        Assert.Empty(moved.Except(head));                          // and only inside the head and log σ
        (moved, head) = Run(freeze: false, backend);
        Assert.NotEmpty(moved.Except(head));                       // the plain behaviour update moves hidden-layer entries as well
    }

    [Fact]
    public void Freeze_features_binds_as_a_config_key_and_defaults_to_off()
    {
        var config = ConfigResolver.Resolve("ppo", "Pendulum-v1", null, ["sampling=props", "props.freeze_features=true"]);
        Assert.True(((PpoOptions)config.Options).Props.FreezeFeatures);
        Assert.False(((PpoOptions)ConfigResolver.Resolve("ppo", "Pendulum-v1", null, []).Options).Props.FreezeFeatures);
    }
}
