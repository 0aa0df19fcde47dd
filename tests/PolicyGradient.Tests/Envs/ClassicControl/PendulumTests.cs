using PolicyGradient.Environments;
using PolicyGradient.Environments.ClassicControl;

namespace PolicyGradient.Tests.EnvTests.ClassicControl;

public sealed class PendulumTests
{
    [Fact]
    public void TorqueIsClippedInDynamicsAndCost()
    {
        // From (0, 0) with u = clip(3, -2, 2) = 2: θ̇' = 3·2·0.05 = 0.3, θ' = 0.015, cost = 0.001·4.
        using var env = new Pendulum { State = [0, 0] };
        var t = env.I().Step([3f]);
        Assert.Equal(-0.001 * 4, t.Reward);
        double thetaDot = (15 * Math.Sin(0) + 3.0 * 2) * 0.05, theta = thetaDot * 0.05;
        Assert.Equal([(float)Math.Cos(theta), (float)Math.Sin(theta), 0.3f], t.Observation);
        Assert.Equal([theta, thetaDot], env.State);
    }

    [Fact]
    public void AngularSpeedIsClippedToEight()
    {
        using var env = new Pendulum { State = [0, 7.9] };
        var t = env.I().Step([2f]); // 7.9 + 0.3 → 8
        Assert.Equal(8f, t.Observation[2]);
        Assert.Equal(8 * 0.05, env.State[0]);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(Math.PI, -Math.PI)]  // result in [-π, π)
    [InlineData(-Math.PI, -Math.PI)]
    [InlineData(2 * Math.PI, 0.0)]
    [InlineData(1.0, 1.0)]
    [InlineData(-1.0, -1.0)]
    public void AngleNormalizeWrapsIntoMinusPiPi(double x, double expected) =>
        Assert.Equal(expected, Pendulum.AngleNormalize(x), 14);

    [Fact]
    public void CostUsesTheNormalizedAngle()
    {
        // θ = 4 rad is 4 - 2π ≈ -2.283 from upright; θ̇ = 1: cost = (4 - 2π)² + 0.1.
        using var env = new Pendulum { State = [4.0, 1.0] };
        var t = env.I().Step([0f]);
        Assert.Equal(-(Math.Pow(4 - 2 * Math.PI, 2) + 0.1), t.Reward, 12);
        Assert.False(t.Terminated);
    }

    [Fact]
    public void GravityKeyword()
    {
        var env = (Pendulum)Envs.Make("Pendulum-v1", new Dictionary<string, object> { ["g"] = 0.0 }).Unwrapped;
        env.State = [1.0, 0.0];
        env.I().Step([0f]);
        Assert.Equal([1.0, 0.0], env.State); // no gravity, no torque: nothing moves
        var earth = new Pendulum(9.81) { State = [1.0, 0.0] };
        earth.I().Step([0f]);
        Assert.Equal(3 * 9.81 / 2 * Math.Sin(1.0) * 0.05, earth.State[1], 15);
        Assert.Throws<ArgumentException>(() => Envs.Make("Pendulum-v1", new Dictionary<string, object> { ["gravity"] = 9.81 }));
    }

    [Fact]
    public void KeywordValuesMayBeStrings()
    {
        var env = (Pendulum)Envs.Make("Pendulum-v1", new Dictionary<string, object> { ["g"] = "9.81" }).Unwrapped;
        Assert.Equal(9.81, env.Gravity);
        Assert.Throws<ArgumentException>(() => Envs.Make("Pendulum-v1", new Dictionary<string, object> { ["g"] = "strong" }));
    }

    [Fact]
    public void WrongActionLengthIsRejected()
    {
        using var env = new Pendulum();
        env.I().Reset(seed: 0);
        Assert.Throws<ArgumentException>(() => env.I().Step([0f, 0f]));
        Assert.Throws<ArgumentException>(() => env.I().Step(Array.Empty<float>()));
    }
}
