using PolicyGradient.Algorithms;
using PolicyGradient.Core;
using PolicyGradient.Environments;
using PolicyGradient.Tests.Training;
using PolicyGradient.Training;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Algorithms.OffPolicy;

/// <summary><c>sac.Save(path)</c> / <c>Sac.Load(path)</c> (and TD3, DDPG): the same predictions after the round trip.</summary>
[Collection("TorchGlobalState")]
public class OffPolicySaveLoadTests
{
    static IAlgorithm Small(string algo, string env, long seed) => algo switch
    {
        "sac" => new Sac(env, new SacOptions { NetArch = [16], BatchSize = 8, LearningStarts = 20, BufferSize = 1000 }, seed),
        "td3" => new Td3(env, new Td3Options { NetArch = [16], BatchSize = 8, LearningStarts = 20, BufferSize = 1000 }, seed),
        _ => new Ddpg(env, new DdpgOptions { NetArch = [16], BatchSize = 8, LearningStarts = 20, BufferSize = 1000 }, seed),
    };

    static float[] Observations(string envId, int count, long seed)
    {
        using var env = Envs.Make(envId);
        var obs = new float[count * env.ObservationSpace.FlatSize];
        var one = new float[env.ObservationSpace.FlatSize];
        for (int i = 0; i < count; i++) { env.Reset(one, seed + i); one.CopyTo(obs, i * one.Length); }
        return obs;
    }

    [Theory]
    [InlineData("sac", "Pendulum-v1")]
    [InlineData("sac", "CartPole-v1")]
    [InlineData("td3", "Pendulum-v1")]
    [InlineData("ddpg", "Pendulum-v1")]
    public void Save_then_Load_predicts_identically(string algo, string envId)
    {
        OneThread();
        string dir = Path.Combine(TestRuns.TempDir(), "model");
        using var trained = Small(algo, envId, 3);
        trained.Learn(60);
        trained.Save(dir);
        using var loaded = Algorithm.Load(dir);
        Assert.IsType(trained.GetType(), loaded);
        Assert.Equal(trained.NumTimesteps, loaded.NumTimesteps);
        var obs = Observations(envId, 50, 11);
        Assert.Equal(trained.Predict(obs, 50, deterministic: true), loaded.Predict(obs, 50, deterministic: true));
        Assert.Equal(trained.Predict(obs, 50, deterministic: false), loaded.Predict(obs, 50, deterministic: false));
    }
}
