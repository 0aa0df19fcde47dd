using PolicyGradient.Environments;
using PolicyGradient.Environments.Vector;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Tests.EnvTests.Wrappers;

/// <summary>Stepping through every wrapper and the in-thread vector env allocates nothing (episode ends aside).</summary>
public class ZeroAllocationTests
{
    static long AllocatedWhile(Action step, int times)
    {
        for (int i = 0; i < 200; i++) step(); // warm up (first calls may allocate in the runtime)
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < times; i++) step();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Observation_reward_and_statistics_wrappers_step_without_allocating()
    {
        IEnv env = new NormalizeReward(new NormalizeObservation(new RecordEpisodeStatistics(
            new TimeLimit(new SequenceEnv([1, 2, 3], [0.5], loop: true), 1_000_000))));
        var obs = new float[1];
        var action = new float[] { 1 };
        env.Reset(obs, seed: 0);
        Assert.Equal(0, AllocatedWhile(() => env.Step(action, obs), 1000));
    }

    [Fact]
    public void Action_wrappers_step_without_allocating()
    {
        IEnv env = new ClipAction(new RescaleAction(new ActionEchoEnv(-2, 2), -1, 1));
        var obs = new float[1];
        var action = new float[] { 0.3f };
        env.Reset(obs, seed: 0);
        Assert.Equal(0, AllocatedWhile(() => env.Step(action, obs), 1000));
    }

    [Fact]
    public void Vector_envs_step_without_allocating()
    {
        using var generic = new SyncVectorEnv(i => new TimeLimit(new SequenceEnv([1, 2], [1], loop: true), 1_000_000), 8);
        using var cartPoles = VectorEnvs.Make("CartPole-v1", 8);
        var actions = new float[8];
        generic.Reset(seed: 0);
        cartPoles.Reset(seed: 0);
        Assert.Equal(0, AllocatedWhile(() => generic.Step(actions), 1000));
        Assert.Equal(0, AllocatedWhile(() => cartPoles.Step(actions), 1000)); // CartPole episodes end and reset here: still nothing
    }
}
