using Microsoft.ML.OnnxRuntime;
using PolicyGradient.Environments;
using PolicyGradient.Export;
using PolicyGradient.Training;

namespace PolicyGradient.Tests.Deploy;

/// <summary>
/// Issue 13's round trips: each trained policy exported both ways gives, on 10,000 observations, the
/// trained policy's deterministic actions (Discrete identical, Box within 1e-5) in ONNX Runtime and in
/// PolicyGradient.Inference, and the same episode returns through the evaluation code path.
/// </summary>
public sealed class RoundTripTests(DeployFixture fixture) : IClassFixture<DeployFixture>
{
    const int Observations = 10_000;
    const float BoxTolerance = 1e-5f;

    [Theory]
    [InlineData("ppo-cartpole", ExportedHead.DiscreteArgmax)]
    [InlineData("ppo-pendulum", ExportedHead.BoxClippedMean)]
    [InlineData("ppo-inventory", ExportedHead.DiscreteArgmax)]
    [InlineData("sac-pendulum", ExportedHead.BoxSquashed)]
    [InlineData("sac-cartpole", ExportedHead.DiscreteArgmax)]
    public void BothRuntimesGiveTheTrainedPolicysActions(string name, ExportedHead head)
    {
        var p = fixture.Policies[name];
        Assert.Equal(head, p.Exported.Head);
        float[] obs = DeployHelpers.Observations(p.EnvId, Observations);
        float[] expected = p.Algorithm.Predict(obs, Observations, deterministic: true);
        float[] inference = DeployHelpers.InferenceActions(DeployHelpers.LoadInference(p.Exported), obs);
        using var session = new InferenceSession(DeployHelpers.OnnxBytes(p.Exported));
        float[] onnx = DeployHelpers.OnnxActions(session, obs, p.Exported.ObservationSize, p.Exported.IsDiscrete);
        Assert.Equal(expected.Length, inference.Length);
        Assert.Equal(expected.Length, onnx.Length);
        if (p.Exported.IsDiscrete)
        {
            Assert.Equal(expected, inference);
            Assert.Equal(expected, onnx);
            Assert.True(expected.Distinct().Count() > 1 || name == "sac-cartpole", $"{name}: every observation got the same action, the comparison says little");
        }
        else
        {
            Assert.True(MaxDifference(expected, inference) <= BoxTolerance, $"{name}: Inference differs by {MaxDifference(expected, inference)}");
            Assert.True(MaxDifference(expected, onnx) <= BoxTolerance, $"{name}: ONNX differs by {MaxDifference(expected, onnx)}");
        }
    }

    [Theory]
    [InlineData("ppo-cartpole")]
    [InlineData("ppo-pendulum")]
    [InlineData("ppo-inventory")]
    [InlineData("sac-pendulum")]
    [InlineData("sac-cartpole")]
    public void EpisodeReturnsMatchTheDeterministicEvaluation(string name)
    {
        var p = fixture.Policies[name];
        const int episodes = 2;
        const long seed = 1_000_000;
        EvaluationResult Returns(Core.IAlgorithm actor)
        {
            using var env = Envs.Make(p.EnvId);
            return Evaluator.Evaluate(actor, env, episodes, seed, deterministic: true);
        }
        var trained = Returns(p.Algorithm);
        var inference = Returns(DeployHelpers.Acting(DeployHelpers.LoadInference(p.Exported)));
        using var session = new InferenceSession(DeployHelpers.OnnxBytes(p.Exported));
        var onnx = Returns(DeployHelpers.Acting(session, p.Exported.ObservationSize, p.Exported.IsDiscrete));
        // Discrete: the same actions, so the same returns bit for bit; Box: actions within 1e-5 give returns within 1e-3.
        double tolerance = p.Exported.IsDiscrete ? 0 : 1e-3;
        for (int i = 0; i < episodes; i++)
        {
            Assert.True(Math.Abs(trained.Returns[i] - inference.Returns[i]) <= tolerance, $"{name} episode {i}: {trained.Returns[i]} vs Inference {inference.Returns[i]}");
            Assert.True(Math.Abs(trained.Returns[i] - onnx.Returns[i]) <= tolerance, $"{name} episode {i}: {trained.Returns[i]} vs ONNX {onnx.Returns[i]}");
        }
    }

    [Fact]
    public void TheOnnxModelDeclaresOpset17AndTheIssuesInputsAndOutputs()
    {
        var p = fixture.Policies["ppo-cartpole"];
        using var session = new InferenceSession(DeployHelpers.OnnxBytes(p.Exported));
        Assert.Equal(17, OnnxPolicyWriter.Build(p.Exported).OpsetImport.Single().Version);
        var input = Assert.Single(session.InputMetadata);
        Assert.Equal("observation", input.Key);
        Assert.Equal(typeof(float), input.Value.ElementType);
        Assert.Equal([-1, 4], input.Value.Dimensions);
        Assert.Equal(typeof(long), session.OutputMetadata["action"].ElementType);
        Assert.Equal([-1], session.OutputMetadata["action"].Dimensions);
        Assert.Equal([-1, 2], session.OutputMetadata["logits"].Dimensions);
        using var box = new InferenceSession(DeployHelpers.OnnxBytes(fixture.Policies["sac-pendulum"].Exported));
        Assert.Equal(typeof(float), box.OutputMetadata["action"].ElementType);
        Assert.Equal([-1, 1], box.OutputMetadata["action"].Dimensions);
        Assert.False(box.OutputMetadata.ContainsKey("logits"));
    }

    [Fact]
    public void NormalizationIsFoldedIntoTheExport()
    {
        var p = fixture.Policies["ppo-cartpole"];
        var n = Assert.IsType<ExportedNormalization>(p.Exported.Normalization);
        Assert.Equal(10, n.Clip);
        Assert.Equal(4, n.Mean.Length);
        Assert.Contains(n.Mean, m => m != 0);   // statistics from training, not the initial ones
        Assert.Null(fixture.Policies["ppo-inventory"].Exported.Normalization);
    }

    static float MaxDifference(float[] a, float[] b) => a.Zip(b).Max(t => Math.Abs(t.First - t.Second));
}
