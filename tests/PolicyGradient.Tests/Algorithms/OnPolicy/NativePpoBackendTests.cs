using PolicyGradient.Algorithms;
using PolicyGradient.Policies;
using PolicyGradient.Training.Configuration;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Algorithms.OnPolicy;

/// <summary>PPO's backend choice (auto | libtorch | native) end to end.</summary>
[Collection("TorchGlobalState")]
public class NativePpoBackendTests
{
    static PpoOptions Zoo => PpoTests.Zoo; // rl-baselines3-zoo's CartPole-v1 preset

    [Fact]
    public void Auto_picks_native_for_a_cpu_mlp_and_libtorch_for_other_activations()
    {
        using var mlp = new Ppo("CartPole-v1", Zoo);
        Assert.Equal("native", mlp.Backend);
        using var gelu = new Ppo("CartPole-v1", Zoo with { Policy = new PolicyNetworkOptions { Activation = Activation.GELU } });
        Assert.Equal("libtorch", gelu.Backend);
        using var forced = new Ppo("CartPole-v1", Zoo with { Backend = ComputeBackend.LibTorch });
        Assert.Equal("libtorch", forced.Backend);
    }

    [Fact]
    public void Forcing_native_on_an_unsupported_policy_names_the_problem_and_the_fix()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new Ppo("CartPole-v1", Zoo with { Backend = ComputeBackend.Native, Policy = new PolicyNetworkOptions { Activation = Activation.SiLU } }));
        Assert.Contains("backend=native", e.Message);
        Assert.Contains("backend=auto", e.Message);
    }

    [Fact]
    public void The_config_key_backend_binds_case_insensitively()
    {
        var options = ConfigBinder.Bind<PpoOptions>([ConfigLayer.FromSetFlags(["backend=libtorch"])]);
        Assert.Equal(ComputeBackend.LibTorch, options.Backend);
    }

    [Fact]
    public void Native_runs_are_deterministic_and_learn_cartpole()
    {
        OneThread();
        (List<double> Losses, Dictionary<string, float[]> Weights, double Eval, double Train) Run()
        {
            using var ppo = new Ppo("CartPole-v1", Zoo with { Backend = ComputeBackend.Native }, seed: 2);
            var r = new Recorder();
            ppo.Learn(20_000, r);
            var losses = r.Updates.Select(u => u.Values["policy_loss"]).Concat(r.Updates.Select(u => u.Values["grad_norm"])).ToList();
            return (losses, Weights(ppo), EvaluateCartPole(ppo, 5, 100), r.Updates[^1].Values["episode_return_mean"]);
        }
        var a = Run();
        var b = Run();
        Assert.Equal(a.Losses, b.Losses);
        AssertSameWeights(a.Weights, b.Weights);
        // A random policy averages about 22; a broken gradient stays there.
        Assert.True(a.Eval > 150, $"greedy evaluation mean {a.Eval} after 20k steps");
        Assert.True(a.Train > 60, $"training return {a.Train}");
    }

    [Fact]
    public void The_libtorch_backend_still_learns_cartpole()
    {
        OneThread();
        using var ppo = new Ppo("CartPole-v1", Zoo with { Backend = ComputeBackend.LibTorch }, seed: 1);
        ppo.Learn(20_000);
        double eval = EvaluateCartPole(ppo, 5, 100);
        Assert.True(eval > 150, $"greedy evaluation mean {eval} after 20k steps");
    }

    [Fact]
    public void Native_gaussian_policy_trains_pendulum_with_finite_metrics_and_a_moving_log_std()
    {
        OneThread();
        var options = new PpoOptions { NEnvs = 4, NSteps = 64, BatchSize = 64, NEpochs = 4, EntCoef = 0.01, ClipRangeVf = 0.2, Backend = ComputeBackend.Native };
        using var ppo = new Ppo("Pendulum-v1", options, seed: 3);
        var r = new Recorder();
        ppo.Learn(1024, r);
        Assert.Equal(4, r.Updates.Count);
        foreach (var key in new[] { "policy_loss", "value_loss", "entropy", "approx_kl", "clip_fraction", "grad_norm" })
            Assert.All(r.Updates, u => Assert.True(double.IsFinite(u.Values[key]), $"{key} = {u.Values[key]}"));
        // Entropy of a 1-D Gaussian is log σ + 1.419; it starts at log σ = 0 and the update moves it.
        Assert.NotEqual(1.4189385, r.Updates[^1].Values["entropy"], 4);
    }
}
