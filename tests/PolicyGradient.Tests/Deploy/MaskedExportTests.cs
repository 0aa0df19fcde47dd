using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using PolicyGradient.Algorithms;
using PolicyGradient.Core;
using PolicyGradient.Environments;
using PolicyGradient.Export;
using PolicyGradient.Inference;
using PolicyGradient.Training;

namespace PolicyGradient.Tests.Deploy;

/// <summary>
/// Export of a policy trained under action masks (TicTacToe-v0, where occupied cells are invalid): the
/// ONNX model takes an action_mask input and PolicyGradient.Inference an overload with the mask; both
/// never choose a masked action and agree with the trained policy's masked deterministic Predict (what
/// pg eval --deterministic runs), step by step and in episode returns.
/// </summary>
[Collection("TorchGlobalState")]
public sealed class MaskedExportTests
{
    const string EnvId = "TicTacToe-v0";

    static Ppo Trained()
    {
        var ppo = new Ppo(EnvId, new PpoOptions { NEnvs = 2, NSteps = 64, BatchSize = 64, NEpochs = 2, LearningRate = 1e-3 }, seed: 8);
        ppo.Learn(1024);
        return ppo;
    }

    [Fact]
    public void The_exported_masked_policy_never_picks_an_invalid_action_and_matches_the_masked_deterministic_policy()
    {
        using var ppo = Trained();
        var exported = PolicyExport.FromAlgorithm(ppo);
        Assert.True(exported.Masked);
        var inference = DeployHelpers.LoadInference(exported);
        Assert.True(inference.RequiresActionMask);
        using var session = new InferenceSession(DeployHelpers.OnnxBytes(exported));
        using var env = Envs.Make(EnvId);
        var provider = ActionMasks.Find(env)!;
        var obs = new float[env.ObservationSpace.FlatSize];
        var mask = new bool[9];
        int steps = 0, unmaskedInvalid = 0;
        var logits = new float[9];
        for (int episode = 0; episode < 40; episode++)
        {
            env.Reset(obs, 500 + episode);
            for (bool done = false; !done; steps++)
            {
                provider.WriteActionMask(mask);
                int expected = (int)ppo.Predict(obs, mask, deterministic: true)[0];
                int fromInference = inference.ActDiscrete(obs, mask);
                int fromOnnx = OnnxAction(session, obs, mask);
                Assert.True(mask[fromInference], $"step {steps}: Inference chose the masked action {fromInference}");
                Assert.True(mask[fromOnnx], $"step {steps}: ONNX chose the masked action {fromOnnx}");
                Assert.Equal(expected, fromInference);
                Assert.Equal(expected, fromOnnx);
                inference.Logits(obs, logits);
                if (!mask[Array.IndexOf(logits, logits.Max())]) unmaskedInvalid++;
                var r = env.Step([expected], obs);
                done = r.Terminated || r.Truncated;
            }
        }
        // Control: without the mask the same network's argmax would have chosen an occupied cell.
        Assert.True(unmaskedInvalid > 0, $"the unmasked argmax was valid in all {steps} states: the test shows nothing");
        Assert.Throws<InvalidOperationException>(() => inference.ActDiscrete(obs));
    }

    [Fact]
    public void Episode_returns_of_the_exported_policy_equal_the_masked_deterministic_evaluation()
    {
        using var ppo = Trained();
        var inference = DeployHelpers.LoadInference(PolicyExport.FromAlgorithm(ppo));
        using var evalEnv = Envs.Make(EnvId);
        var trained = Evaluator.Evaluate(ppo, evalEnv, 30, seed: 900);
        using var exportedEnv = Envs.Make(EnvId);
        var exported = Evaluator.Evaluate(new MaskedActing(inference), exportedEnv, 30, seed: 900);
        Assert.Equal(trained.Returns, exported.Returns);
    }

    [Fact]
    public void A_mask_that_allows_nothing_or_has_the_wrong_length_is_refused()
    {
        using var ppo = Trained();
        var inference = DeployHelpers.LoadInference(PolicyExport.FromAlgorithm(ppo));
        var obs = new float[inference.ObservationSize];
        Assert.Contains("allows no action", Assert.Throws<ArgumentException>(() => inference.ActDiscrete(obs, new bool[9])).Message);
        Assert.Contains("9 actions", Assert.Throws<ArgumentException>(() => inference.ActDiscrete(obs, new bool[4])).Message);
    }

    static int OnnxAction(InferenceSession session, float[] obs, bool[] mask)
    {
        using var results = session.Run([
            NamedOnnxValue.CreateFromTensor("observation", new DenseTensor<float>(obs, [1, obs.Length])),
            NamedOnnxValue.CreateFromTensor("action_mask", new DenseTensor<bool>(mask, [1, mask.Length]))]);
        return (int)results.First(r => r.Name == "action").AsEnumerable<long>().Single();
    }

    /// <summary>The exported policy as an algorithm that acts under masks (so episodes run through the evaluation code path).</summary>
    sealed class MaskedActing(InferencePolicy policy) : IAlgorithm, IMaskedPredictor
    {
        public string Name => "inference";
        public long NumTimesteps => 0;
        public int NumUpdates => 0;
        public void Learn(long totalTimesteps, ITrainingCallback? callback = null) => throw new NotSupportedException();
        public float[] Predict(ReadOnlySpan<float> observation, bool deterministic = true) => throw new NotSupportedException("a masked policy needs the mask");
        public float[] Predict(ReadOnlySpan<float> observation, ReadOnlySpan<bool> actionMask, bool deterministic = true) => [policy.ActDiscrete(observation, actionMask)];
        public TrainingState CaptureState() => throw new NotSupportedException();
        public void RestoreState(TrainingState state) => throw new NotSupportedException();
        public void Dispose() { }
    }
}
