using PolicyGradient.Environments;
using PolicyGradient.Environments.ClassicControl;

namespace PolicyGradient.Tests.EnvTests.ClassicControl;

public sealed class CartPoleTests
{
    [Fact]
    public void PositionExactlyAtTheThresholdDoesNotTerminate_CrossingItDoes()
    {
        // θ = 0, θ̇ = 0, ẋ = 0: x stays exactly 2.4 after the Euler step (x += τ·ẋ = 0).
        using var env = new CartPole { State = [2.4, 0, 0, 0] };
        Assert.False(env.I().Step(1).Terminated);
        Assert.Equal(2.4, env.State[0]);
        // ẋ = 0.5: x becomes 2.4 + 0.02·0.5 = 2.41 > 2.4.
        env.State = [2.4, 0.5, 0, 0];
        var t = env.I().Step(1);
        Assert.True(t.Terminated);
        Assert.Equal(1.0, t.Reward);
    }

    [Fact]
    public void RewardIsOneOnTheTerminatingStepAndZeroAfterwards()
    {
        using var env = new CartPole { State = [0, 0, 0.25, 0] }; // θ = 0.25 rad > 12° = 0.2094
        var first = env.I().Step(0);
        Assert.True(first.Terminated);
        Assert.Equal(1.0, first.Reward);
        var second = env.I().Step(0);
        Assert.True(second.Terminated);
        Assert.Equal(0.0, second.Reward);
    }

    [Fact]
    public void SuttonBartoRewardIsZeroPerStepAndMinusOneOnTermination()
    {
        using var env = (CartPole)Envs.Make("CartPole-v1", new Dictionary<string, object> { ["sutton_barto_reward"] = true }).Unwrapped;
        env.State = [0, 0, 0, 0];
        Assert.Equal(0.0, env.I().Step(1).Reward);
        env.State = [0, 0, 0.25, 0];
        Assert.Equal(-1.0, env.I().Step(1).Reward);
        Assert.Equal(-1.0, env.I().Step(1).Reward);
    }

    [Fact]
    public void OneEulerStepFromRestMatchesTheHandComputedForce()
    {
        // From rest, θ = 0: temp = F/M = 10/1.1, θ̈ = -temp / (l(4/3 - mp/M)), ẍ = temp - mp·l·θ̈/M.
        // Euler updates x, θ with the old (zero) velocities, so only ẋ and θ̇ change.
        using var env = new CartPole { State = [0, 0, 0, 0] };
        var t = env.I().Step(1);
        double temp = 10.0 / 1.1;
        double thetaAcc = -temp / (0.5 * (4.0 / 3.0 - 0.1 / 1.1));
        double xAcc = temp - 0.05 * thetaAcc / 1.1;
        Assert.Equal(0f, t.Observation[0]);
        Assert.Equal((float)(0.02 * xAcc), t.Observation[1], 6);
        Assert.Equal(0f, t.Observation[2]);
        Assert.Equal((float)(0.02 * thetaAcc), t.Observation[3], 6);
    }

    [Fact]
    public void InvalidActionsAreRejectedWithAClearMessage()
    {
        using var env = new CartPole();
        env.I().Reset(seed: 0);
        var ex = Assert.Throws<ArgumentException>(() => env.I().Step(2));
        Assert.Contains("Discrete(2)", ex.Message);
        Assert.Contains("[0, 1]", ex.Message);
        Assert.Throws<ArgumentException>(() => env.I().Step([float.NaN]));
        var len = Assert.Throws<ArgumentException>(() => env.I().Step([0f, 1f]));
        Assert.Contains("length 2", len.Message);
    }
}
