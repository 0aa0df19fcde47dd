using PolicyGradient.Algorithms;
using PolicyGradient.Core;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Algorithms.OnPolicy;

/// <summary>Exact resume, learning and prediction on the issue-15 envs: the masked TicTacToe-v0 and the Dict-observation GoalGridWorld-v0.</summary>
[Collection("TorchGlobalState")]
public class ContribResumeTests
{
    static Ppo Small(string envId, ComputeBackend backend, long seed) =>
        new(envId, new PpoOptions { NEnvs = 2, NSteps = 32, BatchSize = 16, NEpochs = 2, Backend = backend }, seed);

    [Theory]
    [InlineData("TicTacToe-v0", ComputeBackend.Native)]
    [InlineData("TicTacToe-v0", ComputeBackend.LibTorch)]
    [InlineData("GoalGridWorld-v0", ComputeBackend.Native)]
    public void Capture_and_restore_continue_bit_identically(string envId, ComputeBackend backend)
    {
        OneThread();
        using var first = Small(envId, backend, 21);
        const long k = 2 * 32 * 3;
        first.Learn(k);
        using var state = first.CaptureState();
        first.Learn(3 * k);
        var continued = Weights(first);
        using var second = Small(envId, backend, 12345);
        second.RestoreState(state);
        second.Learn(3 * k);
        Assert.Equal(first.NumUpdates, second.NumUpdates);
        AssertSameWeights(continued, Weights(second));
    }

    [Fact]
    public void The_masked_run_and_the_unmasked_baseline_differ_only_by_use_action_masks()
    {
        using var masked = Small("TicTacToe-v0", ComputeBackend.Native, 3);
        using var unmasked = new Ppo("TicTacToe-v0", new PpoOptions { NEnvs = 2, NSteps = 32, BatchSize = 16, NEpochs = 2, UseActionMasks = false }, 3);
        masked.Learn(64);
        unmasked.Learn(64);
        Assert.NotEqual(Weights(masked).Values.First(), Weights(unmasked).Values.First());
    }

    [Fact]
    public void Ppo_learns_the_dict_observation_goal_task_and_predicts_from_the_raw_dict()
    {
        OneThread();
        using var ppo = new Ppo("GoalGridWorld-v0", new PpoOptions
        {
            NEnvs = 8, NSteps = 64, BatchSize = 256, NEpochs = 10, Gamma = 0.95, EntCoef = 0.01, LearningRate = 1e-3,
        }, seed: 1);
        ppo.Learn(60_000);
        // Evaluate reads the registered env's raw Dict observation (position, goal index): Predict encodes it.
        double mean = Evaluate(ppo, "GoalGridWorld-v0", 50, seed: 1000);
        Assert.True(mean >= 0.8, $"mean return {mean} after 60k steps");
    }
}
