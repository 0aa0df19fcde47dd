using PolicyGradient.Algorithms;
using PolicyGradient.Core;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Algorithms;

/// <summary>Learning, determinism and exact resume for A2C, TRPO and REINFORCE (PPO has its own file).</summary>
[Collection("TorchGlobalState")]
public class OnPolicyAlgorithmTests
{
    static IAlgorithm Small(string algo, long seed) => algo switch
    {
        "a2c" => new A2c("CartPole-v1", new A2cOptions { NEnvs = 4, NSteps = 8, NormalizeObservations = true, NormalizeRewards = true }, seed),
        "trpo" => new Trpo("CartPole-v1", new TrpoOptions { NEnvs = 2, NSteps = 64, BatchSize = 32, NCriticUpdates = 2 }, seed),
        "reinforce" => new Reinforce("CartPole-v1", new ReinforceOptions { NEnvs = 2, NSteps = 64, Baseline = ReinforceBaseline.RunningMean }, seed),
        _ => new Ppo("CartPole-v1", new PpoOptions { NEnvs = 2, NSteps = 32, BatchSize = 16, NEpochs = 2 }, seed),
    };

    [Theory]
    [InlineData("a2c")]
    [InlineData("trpo")]
    [InlineData("reinforce")]
    [InlineData("ppo")]
    public void Capture_and_restore_continue_bit_identically(string algo)
    {
        OneThread();
        using var first = Small(algo, 21);
        long k = 2 * 64 * 2;                              // a few updates
        first.Learn(k);
        using var state = first.CaptureState();
        first.Learn(2 * k);
        var continued = Weights(first);
        using var second = Small(algo, 12345);
        second.RestoreState(state);
        second.Learn(2 * k);
        Assert.Equal(first.NumUpdates, second.NumUpdates);
        AssertSameWeights(continued, Weights(second));
    }

    [Theory]
    [InlineData("a2c")]
    [InlineData("trpo")]
    [InlineData("reinforce")]
    public void Same_seed_gives_identical_weights(string algo)
    {
        OneThread();
        Dictionary<string, float[]> Run() { using var a = Small(algo, 4); a.Learn(512); return Weights(a); }
        AssertSameWeights(Run(), Run());
    }

    [Fact]
    public void Restore_rejects_a_state_with_a_missing_tensor()
    {
        using var a = Small("a2c", 1);
        using var state = a.CaptureState();
        state.Tensors.Remove("optimizer.square_avg");
        var e = Assert.Throws<InvalidDataException>(() => a.RestoreState(state));
        Assert.Contains("optimizer.square_avg", e.Message);
    }

    [Fact]
    public void A2c_learns_CartPole()
    {
        OneThread();
        using var a2c = new A2c("CartPole-v1", new A2cOptions { NEnvs = 8 }, seed: 2);
        var r = new Recorder();
        a2c.Learn(40_000, r);
        double train = r.Updates[^1].Values["episode_return_mean"];
        Assert.True(train > 80, $"A2C training return {train} after 40k steps (random ≈ 22)");
    }

    [Fact]
    public void Trpo_learns_CartPole()
    {
        OneThread();
        using var trpo = new Trpo("CartPole-v1", new TrpoOptions { NEnvs = 4, NSteps = 512 }, seed: 2);
        var r = new Recorder();
        trpo.Learn(30_000, r);
        double train = r.Updates[^1].Values["episode_return_mean"];
        Assert.True(train > 100, $"TRPO training return {train} after 30k steps (random ≈ 22)");
        Assert.All(r.Updates, u => Assert.True(u.Values["approx_kl"] <= 0.01 + 1e-9));
    }

    [Fact]
    public void Reinforce_with_a_value_baseline_learns_CartPole()
    {
        OneThread();
        using var reinforce = new Reinforce("CartPole-v1", new ReinforceOptions { NEnvs = 4, NSteps = 256, LearningRate = 3e-3 }, seed: 2);
        var r = new Recorder();
        reinforce.Learn(50_000, r);
        double train = r.Updates[^1].Values["episode_return_mean"];
        Assert.True(train > 60, $"REINFORCE training return {train} after 50k steps (random ≈ 22)");
    }

    [Fact]
    public void Reinforce_masks_the_unfinished_tail_of_each_copy()
    {
        // Copy 0 ends at t = 1; copy 1 never ends: only copy 0's steps 0 and 1 have Monte-Carlo returns.
        var dones = TorchSharp.torch.tensor(new float[] { 0, 0, 1, 0, 0, 0 }, [3, 2]);
        var mask = Reinforce.CompletedEpisodeMask(dones).data<float>().ToArray();
        Assert.Equal([1f, 0f, 1f, 0f, 0f, 0f], mask);
    }

    [Fact]
    public void Bad_options_are_rejected_with_the_key_named()
    {
        Assert.Contains("batch_size", Assert.Throws<ArgumentException>(() => new Trpo("CartPole-v1", new TrpoOptions { NSteps = 8, BatchSize = 64 })).Message);
        Assert.Contains("share_trunk", Assert.Throws<ArgumentException>(() => new Trpo("CartPole-v1", new TrpoOptions { Policy = new() { ShareTrunk = true } })).Message);
        Assert.Contains("normalize_advantage", Assert.Throws<ArgumentException>(() => new A2c("CartPole-v1", new A2cOptions { NSteps = 1, NormalizeAdvantage = true })).Message);
        Assert.Contains("n_steps", Assert.Throws<ArgumentException>(() => new Reinforce("CartPole-v1", new ReinforceOptions { NSteps = 1 })).Message);
    }

    [Fact]
    public void All_four_are_registered()
    {
        var names = AlgorithmRegistry.All.Select(d => d.Name).ToList();
        foreach (var n in new[] { "ppo", "a2c", "trpo", "reinforce" }) Assert.Contains(n, names);
    }
}
