using EnvRegistry = PolicyGradient.Environments.Envs;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Tests.EnvTests.Wrappers;

public class NormalizeObservationTests
{
    [Fact]
    public void Observations_are_normalized_with_statistics_that_include_them()
    {
        // Reset emits 2, the steps 4 and 9. After the reset the statistics hold {2}:
        // n = 1.0001, μ = 2/1.0001, σ² = (1e-4 + 1e-4 μ² + (2 − μ)²)/n.
        var env = new NormalizeObservation(new SequenceEnv([2, 4, 9], [0]));
        var (obs, _) = env.Reset(seed: 1);
        double n = 1.0001, mu = 2 / n, var = (1e-4 + 1e-4 * mu * mu + (2 - mu) * (2 - mu)) / n;
        Assert.Equal((float)((2 - mu) / Math.Sqrt(var + 1e-8)), obs[0]);
        Assert.Equal(n, env.Statistics.Count, 12);

        var t = env.Step(0);
        // Statistics now hold {2, 4}: n = 2.0001, μ = 6/2.0001.
        n = 2.0001; mu = 6 / n; var = (1e-4 + 1e-4 * mu * mu + (2 - mu) * (2 - mu) + (4 - mu) * (4 - mu)) / n;
        Assert.Equal(mu, env.Statistics.Mean[0], 12);
        Assert.Equal(var, env.Statistics.Var[0], 12);
        Assert.Equal((float)((4 - mu) / Math.Sqrt(var + 1e-8)), t.Observation[0]);
    }

    [Fact]
    public void Frozen_statistics_do_not_change_and_values_are_clipped()
    {
        var env = new NormalizeObservation(new SequenceEnv([0, 0, 0, 1000], [0]), clip: 10);
        env.Reset(seed: 0);
        env.Step(0);
        env.Training = false;
        double count = env.Statistics.Count, mean = env.Statistics.Mean[0];
        env.Step(0);
        var t = env.Step(0);
        Assert.Equal(count, env.Statistics.Count);
        Assert.Equal(mean, env.Statistics.Mean[0]);
        Assert.Equal(10f, t.Observation[0]);
        Assert.Equal("Box(-10, 10, (1,), float32)", env.ObservationSpace.ToString());
    }

    [Fact]
    public void State_round_trip_restores_the_statistics()
    {
        var a = new NormalizeObservation(EnvRegistry.Make("CartPole-v1"));
        a.Reset(seed: 3);
        for (int i = 0; i < 5; i++) a.Step(i % 2);
        var ms = new MemoryStream();
        a.SaveState(new BinaryWriter(ms));
        var b = new NormalizeObservation(EnvRegistry.Make("CartPole-v1"));
        ms.Position = 0;
        b.LoadState(new BinaryReader(ms));
        Assert.Equal(a.Statistics.Mean, b.Statistics.Mean);
        Assert.Equal(a.Statistics.Var, b.Statistics.Var);
        Assert.Equal(a.Statistics.Count, b.Statistics.Count);
        Assert.Equal(a.Step(1).Observation, b.Step(1).Observation);
    }
}
