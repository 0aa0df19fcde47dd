using PolicyGradient.Environments;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Tests.EnvTests.Wrappers;

public class NormalizeRewardTests
{
    [Fact]
    public void Rewards_are_divided_by_the_std_of_the_discounted_return()
    {
        // Rewards 1, 2 with γ = 0.5: G1 = 1, G2 = 0.5·1 + 2 = 2.5.
        var env = new NormalizeReward(new SequenceEnv([0, 0, 0, 0], [1, 2]), gamma: 0.5, clip: double.PositiveInfinity);
        env.Reset(seed: 0);
        var t1 = env.Step(0);
        double n = 1.0001, mu = 1 / n, var = (1e-4 + 1e-4 * mu * mu + (1 - mu) * (1 - mu)) / n;
        Assert.Equal(1 / Math.Sqrt(var + 1e-8), t1.Reward, 9);
        var t2 = env.Step(0);
        n = 2.0001; mu = 3.5 / n; var = (1e-4 + 1e-4 * mu * mu + (1 - mu) * (1 - mu) + (2.5 - mu) * (2.5 - mu)) / n;
        Assert.Equal(2 / Math.Sqrt(var + 1e-8), t2.Reward, 9);
        Assert.Equal(2.5, env.DiscountedReturn, 12);
    }

    [Fact]
    public void The_return_restarts_after_an_episode_ends_and_rewards_are_clipped()
    {
        // Observations 0,0,0: the episode terminates on the 2nd step.
        var env = new NormalizeReward(new SequenceEnv([0, 0, 0], [1]), gamma: 0.99, clip: 1.5);
        env.Reset(seed: 0);
        env.Step(0);
        Assert.Equal(1.0, env.DiscountedReturn, 12);
        var end = env.Step(0);
        Assert.True(end.Terminated);
        Assert.Equal(0.0, env.DiscountedReturn);
        Assert.True(end.Reward <= 1.5);
        Assert.Equal(1.5, end.Reward); // 1/σ with σ of {1, 1.99} is ≈ 2.0, clipped to 1.5
    }
}
