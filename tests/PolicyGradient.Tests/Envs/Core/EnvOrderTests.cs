using EnvRegistry = PolicyGradient.Environments.Envs;
using PolicyGradient.Environments;
using PolicyGradient.Environments.ClassicControl;

namespace PolicyGradient.Tests.EnvTests.Core;

public class EnvOrderTests
{
    [Fact]
    public void A_made_env_refuses_Step_before_Reset_naming_Reset()
    {
        var env = EnvRegistry.Make("CartPole-v1");
        var ex = Assert.Throws<InvalidOperationException>(() => env.Step(0));
        Assert.Contains("Reset", ex.Message);
        env.Reset(seed: 0);
        env.Step(0);
    }

    [Fact]
    public void An_env_made_without_a_time_limit_is_wrapped_in_OrderEnforcing()
    {
        var env = EnvRegistry.Make("CartPole-v1", maxEpisodeSteps: 0);
        Assert.IsType<global::PolicyGradient.Environments.Wrappers.OrderEnforcing>(env);
        Assert.Throws<InvalidOperationException>(() => env.Step(0));
        env.Reset(seed: 0);
        env.Step(0);
    }

    [Fact]
    public void A_directly_built_env_placed_in_a_state_can_be_stepped()
    {
        // Physics tests set the state by hand and step; only the wrappers Envs.Make adds enforce the order (as gymnasium.make).
        var env = new CartPole { State = [0, 0, 0, 0] };
        var t = env.Step(1);
        Assert.False(t.Terminated);
    }

    [Fact]
    public void A_restored_state_counts_as_a_reset()
    {
        var a = EnvRegistry.Make("CartPole-v1");
        a.Reset(seed: 1);
        var ms = new MemoryStream();
        ((IStatefulEnv)a).SaveState(new BinaryWriter(ms));
        var b = EnvRegistry.Make("CartPole-v1");
        ms.Position = 0;
        ((IStatefulEnv)b).LoadState(new BinaryReader(ms));
        Assert.Equal(a.Step(1).Observation, b.Step(1).Observation);
    }
}
