using PolicyGradient.Algorithms;
using PolicyGradient.Training.Configuration;
using PolicyGradient.Core;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Algorithms;

[Collection("TorchGlobalState")]
public class PpoTests
{
    internal static PpoOptions Zoo => new()
    {
        NEnvs = 8, NSteps = 32, BatchSize = 256, NEpochs = 20, Gamma = 0.98, GaeLambda = 0.8,
        LearningRate = Schedule.Parse("lin_1e-3"), ClipRange = Schedule.Parse("lin_0.2"),
    };

    [Fact]
    public void Learns_CartPole_with_the_zoo_preset_in_20k_steps()
    {
        OneThread();
        using var ppo = new Ppo("CartPole-v1", Zoo, seed: 1);
        var recorder = new Recorder();
        ppo.Learn(20_000, recorder);
        // A random policy averages about 22 on CartPole-v1.
        double eval = EvaluateCartPole(ppo, 5, 100);
        Assert.True(eval > 150, $"greedy evaluation mean {eval} after 20k steps");
        Assert.True(recorder.Updates[^1].Values["episode_return_mean"] > 60, $"training return {recorder.Updates[^1].Values["episode_return_mean"]}");
    }

    [Fact]
    public void Reports_the_standard_metrics_and_calls_every_hook()
    {
        OneThread();
        using var ppo = new Ppo("CartPole-v1", Zoo with { NEpochs = 2 }, seed: 3);
        var recorder = new Recorder();
        ppo.Learn(512, recorder);
        Assert.True(recorder.Started && recorder.Ended);
        Assert.Equal(2, recorder.Rollouts);
        Assert.Equal(64, recorder.Steps); // 2 rollouts × 32 vector steps
        Assert.Equal(512, ppo.NumTimesteps);
        Assert.Equal(2, ppo.NumUpdates);
        var m = recorder.Updates[^1];
        foreach (var key in new[] { "policy_loss", "value_loss", "entropy", "approx_kl", "clip_fraction", "explained_variance", "learning_rate", "clip_range", "grad_norm", "sps" })
            Assert.True(m.Values.ContainsKey(key), $"missing metric {key}");
        // Linear annealing: after 512 of 512 steps the schedule is at 0; after 256 it is at half.
        Assert.Equal(1e-3 * 0.5, recorder.Updates[0].Values["learning_rate"], 12);
        Assert.Equal(0.2 * 0.5, recorder.Updates[0].Values["clip_range"], 12);
        Assert.InRange(m.Values["entropy"], 0.0, Math.Log(2) + 1e-6);
    }

    [Fact]
    public void Same_seed_gives_identical_metrics_and_weights()
    {
        OneThread();
        Dictionary<string, float[]> Run(out List<double> losses)
        {
            using var ppo = new Ppo("CartPole-v1", Zoo with { NEpochs = 3 }, seed: 7);
            var r = new Recorder();
            ppo.Learn(768, r);
            losses = r.Updates.Select(u => u.Values["policy_loss"]).Concat(r.Updates.Select(u => u.Values["value_loss"])).ToList();
            return Weights(ppo);
        }
        var a = Run(out var la);
        var b = Run(out var lb);
        Assert.Equal(la, lb);
        AssertSameWeights(a, b);
    }

    [Fact]
    public void Capture_and_restore_continue_bit_identically()
    {
        OneThread();
        var options = Zoo with { NEpochs = 2, NormalizeObservations = true, NormalizeRewards = true };
        using var first = new Ppo("CartPole-v1", options, seed: 11);
        first.Learn(512);                              // k = 2 updates
        using var state = first.CaptureState();
        first.Learn(1024);                             // m = 2 more
        var continued = Weights(first);

        using var second = new Ppo("CartPole-v1", options, seed: 999); // a different seed: everything must come from the state
        second.RestoreState(state);
        Assert.Equal(512, second.NumTimesteps);
        second.Learn(1024);
        AssertSameWeights(continued, Weights(second));
        Assert.Equal(first.Predict([0.1f, 0.2f, -0.1f, 0.3f]), second.Predict([0.1f, 0.2f, -0.1f, 0.3f]));
    }

    [Fact]
    public void Rejects_a_batch_larger_than_the_rollout()
    {
        var e = Assert.Throws<ArgumentException>(() => new Ppo("CartPole-v1", new PpoOptions { NSteps = 16, NEnvs = 2, BatchSize = 64 }));
        Assert.Contains("batch_size", e.Message);
        Assert.Contains("n_steps * n_envs", e.Message);
    }

    [Fact]
    public void Warns_when_the_batch_does_not_divide_the_rollout()
    {
        Assert.Single(new PpoOptions { NSteps = 100, BatchSize = 64 }.Warnings());
        Assert.Empty(new PpoOptions().Warnings());
    }

    [Fact]
    public void Target_kl_stops_the_epochs_early()
    {
        OneThread();
        using var ppo = new Ppo("CartPole-v1", Zoo with { TargetKl = 1e-6, NEpochs = 20, LearningRate = 1e-3 }, seed: 5);
        var r = new Recorder();
        ppo.Learn(512, r);
        Assert.All(r.Updates, u => Assert.True(u.Values["n_epochs_done"] < 20));
    }

    [Fact]
    public void Registered_under_ppo_with_its_options_type()
    {
        var d = PolicyGradient.Algorithms.AlgorithmRegistry.Get("ppo");
        Assert.Equal(typeof(PpoOptions), d.OptionsType);
        using var algo = d.Create(new PpoOptions { NSteps = 8, BatchSize = 8 }, new AlgorithmContext("CartPole-v1", 0, TorchSharp.torch.CPU));
        Assert.Equal("ppo", algo.Name);
    }
}
