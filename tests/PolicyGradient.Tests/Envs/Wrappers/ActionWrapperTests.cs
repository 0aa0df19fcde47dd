using EnvRegistry = PolicyGradient.Environments.Envs;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Tests.EnvTests.Wrappers;

public class ActionWrapperTests
{
    [Fact]
    public void ClipAction_clips_into_the_inner_bounds_and_exposes_an_unbounded_space()
    {
        var inner = new ActionEchoEnv(-2, 2);
        var env = new ClipAction(inner);
        env.Reset(seed: 0);
        env.Step([5f]);
        Assert.Equal(2f, inner.LastAction);
        env.Step([-7f]);
        Assert.Equal(-2f, inner.LastAction);
        env.Step([0.25f]);
        Assert.Equal(0.25f, inner.LastAction);
        Assert.False(((Box)env.ActionSpace).IsBounded);
    }

    [Fact]
    public void RescaleAction_maps_minus_one_one_onto_the_inner_bounds()
    {
        var inner = new ActionEchoEnv(-2, 6);
        var env = new RescaleAction(inner, -1f, 1f);
        env.Reset(seed: 0);
        env.Step([-1f]);
        Assert.Equal(-2f, inner.LastAction);
        env.Step([1f]);
        Assert.Equal(6f, inner.LastAction);
        env.Step([0f]);
        Assert.Equal(2f, inner.LastAction);
        env.Step([0.5f]); // -2 + 8·0.75
        Assert.Equal(4f, inner.LastAction);
        Assert.Equal("Box(-1, 1, (1,), float32)", env.ActionSpace.ToString());
    }

    [Fact]
    public void Action_wrappers_reject_discrete_spaces()
    {
        Assert.Throws<ArgumentException>(() => new ClipAction(EnvRegistry.Make("CartPole-v1")));
        Assert.Throws<ArgumentException>(() => new RescaleAction(EnvRegistry.Make("CartPole-v1")));
    }
}
