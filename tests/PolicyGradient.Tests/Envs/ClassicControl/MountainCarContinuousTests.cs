using PolicyGradient.Environments;
using PolicyGradient.Environments.ClassicControl;

namespace PolicyGradient.Tests.EnvTests.ClassicControl;

public sealed class MountainCarContinuousTests
{
    [Fact]
    public void ForceIsClippedButTheRewardUsesTheUnclippedAction()
    {
        using var a = new MountainCarContinuous { State = [-0.5, 0.01] };
        using var b = new MountainCarContinuous { State = [-0.5, 0.01] };
        var big = a.I().Step([5f]);
        var one = b.I().Step([1f]);
        Assert.Equal(one.Observation, big.Observation);
        Assert.Equal(-(5.0 * 5.0) * 0.1, big.Reward);
        Assert.Equal(-0.1, one.Reward);
        // Same on the negative side.
        a.State = [-0.5, 0.01]; b.State = [-0.5, 0.01];
        Assert.Equal(b.I().Step([-1f]).Observation, a.I().Step([-3.5f]).Observation);
    }

    [Fact]
    public void OneStepMatchesTheHandComputedUpdate()
    {
        // v' = 0.01 + 0.5·0.0015 - 0.0025·cos(-1.5), x' = -0.5 + v'; stored as float32.
        using var env = new MountainCarContinuous { State = [-0.5, 0.01] };
        var t = env.I().Step([0.5f]);
        double v = 0.01 + (0.5 * 0.0015 - 0.0025 * Math.Cos(-1.5));
        Assert.Equal([(float)(-0.5 + v), (float)v], t.Observation);
        Assert.Equal(-0.5 * 0.5 * 0.1, t.Reward);
    }

    [Fact]
    public void StateIsStoredAsFloat32AfterAStep()
    {
        using var env = new MountainCarContinuous { State = [-0.5123456789, 0.0123456789] };
        env.I().Step([0.3f]);
        foreach (double s in env.State) Assert.Equal(s, (double)(float)s);
    }

    [Fact]
    public void ReachingTheGoalGivesPlusHundredMinusTheActionCost()
    {
        // v' = 0.02 + 0.0015 - 0.0025·cos(1.32) ≈ 0.0209, x' ≈ 0.461 ≥ 0.45.
        using var env = new MountainCarContinuous { State = [0.44, 0.02] };
        var t = env.I().Step([1f]);
        Assert.True(t.Terminated);
        Assert.Equal(100.0 - 0.1, t.Reward);
    }

    [Fact]
    public void LeftWallStopsTheCar()
    {
        using var env = new MountainCarContinuous { State = [-1.19, -0.05] };
        var t = env.I().Step([-1f]);
        Assert.Equal([(float)-1.2, 0f], t.Observation);
    }

    [Fact]
    public void WrongActionLengthIsRejected()
    {
        using var env = new MountainCarContinuous();
        env.I().Reset(seed: 1);
        var ex = Assert.Throws<ArgumentException>(() => env.I().Step([0.1f, 0.2f]));
        Assert.Contains("length 2", ex.Message);
    }
}
