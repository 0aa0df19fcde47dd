using PolicyGradient.Environments;
using PolicyGradient.Environments.ClassicControl;

namespace PolicyGradient.Tests.EnvTests.ClassicControl;

public sealed class MountainCarTests
{
    [Fact]
    public void LeftWallStopsTheCar()
    {
        // v = -0.05 - 0.001 - 0.0025·cos(-3.57) ≈ -0.0487, x = -1.19 - 0.0487 < -1.2 → x = -1.2, v = 0.
        using var env = new MountainCar { State = [-1.19, -0.05] };
        var t = env.I().Step(0);
        Assert.Equal([(float)-1.2, 0f], t.Observation);
        Assert.Equal([-1.2, 0.0], env.State);
        Assert.Equal(-1.0, t.Reward);
        Assert.False(t.Terminated);
    }

    [Fact]
    public void VelocityIsClippedToMaxSpeed()
    {
        // cos(3·(-π/6)) = 0, so v = 0.0695 + 0.001 = 0.0705 → 0.07.
        using var env = new MountainCar { State = [-Math.PI / 6, 0.0695] };
        env.I().Step(2);
        Assert.Equal(0.07, env.State[1]);
        Assert.Equal(-Math.PI / 6 + 0.07, env.State[0], 15);
    }

    [Fact]
    public void ReachingTheFlagTerminates()
    {
        // v = 0.01 + 0.001 - 0.0025·cos(1.485) ≈ 0.01079, x ≈ 0.5058 ≥ 0.5.
        using var env = new MountainCar { State = [0.495, 0.01] };
        var t = env.I().Step(2);
        Assert.True(t.Terminated);
        Assert.Equal(-1.0, t.Reward);
        // One step earlier in the same direction does not reach it: x ≈ 0.4998 < 0.5.
        env.State = [0.49, 0.01];
        Assert.False(env.I().Step(1).Terminated);
    }

    [Fact]
    public void GoalVelocityKeywordIsHonoured()
    {
        var env = (MountainCar)Envs.Make("MountainCar-v0", new Dictionary<string, object> { ["goal_velocity"] = 0.05 }).Unwrapped;
        Assert.Equal(0.05, env.GoalVelocity);
        env.State = [0.495, 0.01];
        Assert.False(env.I().Step(2).Terminated); // at the flag but slower than 0.05
    }

    [Fact]
    public void ActionOutsideTheSpaceIsRejectedWithTheSpaceInTheMessage()
    {
        using var env = new MountainCar();
        env.I().Reset(seed: 0);
        var ex = Assert.Throws<ArgumentException>(() => env.I().Step(3));
        Assert.Contains("Discrete(3)", ex.Message);
        Assert.Throws<ArgumentException>(() => env.I().Step([0.5f]));
        Assert.Throws<ArgumentException>(() => env.I().Step([1f, 1f]));
    }
}
