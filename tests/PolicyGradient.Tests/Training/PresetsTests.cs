using PolicyGradient.Algorithms;
using PolicyGradient.Training.Configuration;
using PolicyGradient.Core;

namespace PolicyGradient.Tests.Training;

public class PresetsTests
{
    [Fact]
    public void Ppo_cartpole_preset_has_the_zoo_values()
    {
        var layer = Presets.Find("ppo", "CartPole-v1");
        Assert.NotNull(layer);
        var problems = new List<string>();
        var bound = ConfigBinder.BindMany([typeof(RunOptions), typeof(FakeOptions)], ConfigBinder.Merge([layer!]), problems);
        Assert.Empty(problems);
        var run = (RunOptions)bound[0];
        var o = (FakeOptions)bound[1];
        Assert.Equal(100_000, run.NTimesteps);
        Assert.Equal((8, 32, 256, 0.8, 0.98, 20, 0.0), (o.NEnvs, o.NSteps, o.BatchSize, o.GaeLambda, o.Gamma, o.NEpochs, o.EntCoef));
        Assert.Equal(new Schedule(0.001, true), o.LearningRate);
        Assert.Equal(new Schedule(0.2, true), o.ClipRange);
    }

    [Fact]
    public void Every_required_preset_exists()
    {
        var all = Presets.All.ToHashSet();
        foreach (string env in new[] { "CartPole-v1", "Pendulum-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "InventoryLostSales-v0" })
            Assert.Contains(("ppo", env), all);
        foreach (string algo in new[] { "a2c", "trpo" })
            foreach (string env in new[] { "CartPole-v1", "Pendulum-v1", "Acrobot-v1" })
                Assert.Contains((algo, env), all);
        Assert.Contains(("reinforce", "CartPole-v1"), all);
    }

    /// <summary>Every preset uses only the shared key vocabulary (bound here onto a zoo-shaped options record).</summary>
    [Fact]
    public void Every_preset_binds_onto_zoo_shaped_options()
    {
        // FakeOptions is shaped like the on-policy records; the off-policy presets (replay keys) and
        // ppo-lstm's (LSTM keys) and vrpg's (beta, weight_clip) bind onto their real records in Every_preset_of_a_registered_algorithm_resolves.
        foreach (var (algo, env) in Presets.All.Where(p => p.Algorithm is not ("sac" or "td3" or "ddpg" or "ppo-lstm" or "vrpg")))
        {
            var problems = new List<string>();
            ConfigBinder.BindMany([typeof(RunOptions), typeof(FakeOptions)], ConfigBinder.Merge([Presets.Find(algo, env)!]), problems);
            Assert.True(problems.Count == 0, $"{algo}/{env}: {string.Join("; ", problems)}");
        }
    }

    /// <summary>Against the real options records of every registered algorithm that has presets.</summary>
    [Fact]
    public void Every_preset_of_a_registered_algorithm_resolves()
    {
        var registered = AlgorithmRegistry.All.Select(d => d.Name.ToLowerInvariant()).ToHashSet();
        var failures = new List<string>();
        foreach (var (algo, env) in Presets.All.Where(p => registered.Contains(p.Algorithm)))
        {
            try { ConfigResolver.Resolve(algo, env, null, []); }
            catch (ConfigurationException e) { failures.Add($"{algo}/{env}: {e.Message}"); }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
