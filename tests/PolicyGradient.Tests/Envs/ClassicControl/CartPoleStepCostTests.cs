using System.Diagnostics;
using PolicyGradient.Environments;
using PolicyGradient.Environments.ClassicControl;

namespace PolicyGradient.Tests.EnvTests.ClassicControl;

/// <summary>CartPole-v1's <c>step_cost_ms</c> kwarg: a sleep per step for scaling measurements, dynamics unchanged.</summary>
public sealed class CartPoleStepCostTests
{
    static IEnv Make(double? stepCostMs) => Envs.Make("CartPole-v1",
        stepCostMs is double ms ? new Dictionary<string, object> { ["step_cost_ms"] = ms } : null);

    [Fact]
    public void Each_step_takes_at_least_the_step_cost()
    {
        using var env = Make(5);
        env.I().Reset(seed: 3);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 10; i++) env.I().Step(i % 2);
        // 10 sleeps of 5 ms: at least 50 ms whatever the load (a sleep never returns early).
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(50), $"10 steps took {clock.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(TimeSpan.FromMilliseconds(5), ((CartPole)env.Unwrapped).StepCost);
    }

    [Fact]
    public void The_trajectory_is_the_one_without_a_step_cost()
    {
        using var slow = Make(0.01);
        using var plain = Make(null);
        slow.I().Reset(seed: 7);
        plain.I().Reset(seed: 7);
        for (int i = 0; i < 30; i++)
        {
            var a = slow.I().Step(i % 3 == 0 ? 1 : 0);
            var b = plain.I().Step(i % 3 == 0 ? 1 : 0);
            Assert.Equal(b.Observation, a.Observation);
            Assert.Equal(b.Reward, a.Reward);
            Assert.Equal(b.Terminated, a.Terminated);
        }
        Assert.Equal(TimeSpan.Zero, ((CartPole)plain.Unwrapped).StepCost);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(60_001.0)]
    public void A_step_cost_out_of_range_is_refused_by_name(double ms)
    {
        var e = Assert.Throws<ArgumentException>(() => Make(ms));
        Assert.Contains("step_cost_ms", e.Message);
        Assert.Contains("between 0 and 60000", e.Message);
    }
}
