using PolicyGradient.Environments;
using PolicyGradient.Environments.ClassicControl;

namespace PolicyGradient.Tests.EnvTests.ClassicControl;

public sealed class AcrobotTests
{
    [Theory]
    [InlineData(3.5, 3.5 - 2 * Math.PI)]
    [InlineData(-7.0, -7.0 + 2 * Math.PI)]
    [InlineData(-10.0, -10.0 + 2 * Math.PI + 2 * Math.PI)] // two turns
    [InlineData(Math.PI, Math.PI)]   // the bounds themselves are kept
    [InlineData(-Math.PI, -Math.PI)]
    [InlineData(1.0, 1.0)]
    public void WrapMovesByWholeTurns(double x, double expected) =>
        Assert.Equal(expected, Acrobot.Wrap(x, -Math.PI, Math.PI));

    [Fact]
    public void AngleCrossingPiIsWrappedAndTheObservationStaysContinuous()
    {
        // θ1 just below π spinning forward: after 0.2 s it is past π and comes back as ≈ -π + something.
        using var env = new Acrobot { State = [Math.PI - 0.01, 0, 1.0, 0] };
        var t = env.I().Step(1);
        double theta1 = env.State[0];
        Assert.InRange(theta1, -Math.PI, -Math.PI + 0.5);
        Assert.Equal((float)Math.Cos(theta1), t.Observation[0]);
        Assert.Equal((float)Math.Sin(theta1), t.Observation[1]);
        Assert.True(t.Observation[1] < 0); // sin just past π is negative
    }

    [Fact]
    public void VelocitiesAreBounded()
    {
        using var env = new Acrobot { State = [0, 0, 30, -60] };
        var t = env.I().Step(1);
        Assert.InRange(env.State[2], -Acrobot.MaxVel1, Acrobot.MaxVel1);
        Assert.InRange(env.State[3], -Acrobot.MaxVel2, Acrobot.MaxVel2);
        Assert.Equal((float)env.State[2], t.Observation[4]);
        Assert.Equal((float)env.State[3], t.Observation[5]);
    }

    [Fact]
    public void RewardIsMinusOneUntilTheTipIsAboveTheBar()
    {
        using var env = new Acrobot { State = [0, 0, 0, 0] }; // hanging down, at rest: stays there
        var t = env.I().Step(1);
        Assert.Equal(-1.0, t.Reward);
        Assert.False(t.Terminated);
        // Zero torque at the bottom equilibrium: only cos(-π/2) ≈ 6e-17 rounding moves it.
        Assert.All(env.State, s => Assert.InRange(s, -1e-12, 1e-12));
        // Both links straight up: -cos(π) - cos(2π) = 2 > 1.
        env.State = [Math.PI, 0, 0, 0];
        var up = env.I().Step(1);
        Assert.True(up.Terminated);
        Assert.Equal(0.0, up.Reward);
    }

    [Fact]
    public void ActionsOutsideTheSpaceAreRejected()
    {
        using var env = new Acrobot();
        env.I().Reset(seed: 0);
        var ex = Assert.Throws<ArgumentException>(() => env.I().Step(-1));
        Assert.Contains("Discrete(3)", ex.Message);
        Assert.Throws<ArgumentException>(() => env.I().Step(3));
    }
}
