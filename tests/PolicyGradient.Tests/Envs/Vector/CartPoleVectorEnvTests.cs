using EnvRegistry = PolicyGradient.Environments.Envs;
using PolicyGradient.Environments;
using PolicyGradient.Environments.ClassicControl;
using PolicyGradient.Environments.Vector;

namespace PolicyGradient.Tests.EnvTests.Vector;

public class CartPoleVectorEnvTests
{
    /// <summary>The reference: N separate registered CartPole-v1 envs (TimeLimit 500) stepped by the generic in-thread vector env.</summary>
    static SyncVectorEnv Reference(int n) => new(i => EnvRegistry.Make("CartPole-v1"), n);

    static void AssertSame(IVectorEnv expected, IVectorEnv actual)
    {
        Assert.Equal(expected.Observations, actual.Observations);
        Assert.Equal(expected.Rewards, actual.Rewards);
        Assert.Equal(expected.Terminated, actual.Terminated);
        Assert.Equal(expected.Truncated, actual.Truncated);
        for (int i = 0; i < expected.NumEnvs; i++)
            if (expected.Terminated[i] || expected.Truncated[i])
                Assert.Equal(expected.FinalObservations.AsSpan(i * 4, 4).ToArray(), actual.FinalObservations.AsSpan(i * 4, 4).ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Batched_CartPole_equals_N_CartPole_envs_step_for_step(int threads)
    {
        const int n = 9;
        using var reference = Reference(n);
        using var batched = new CartPoleVectorEnv(n, 500, threads);
        reference.Reset(seed: 21);
        batched.Reset(seed: 21);
        AssertSame(reference, batched);
        var rng = new Rng(4);
        var actions = new float[n];
        int truncations = 0, terminations = 0;
        for (int t = 0; t < 1500; t++)
        {
            // A mostly-balancing policy (push towards the pole's lean) so that some copies reach the 500-step limit.
            for (int i = 0; i < n; i++)
                actions[i] = i % 3 == 0 ? rng.NextInt(2) : reference.Observations[i * 4 + 2] + 0.5f * reference.Observations[i * 4 + 3] > 0 ? 1 : 0;
            reference.Step(actions);
            batched.Step(actions);
            AssertSame(reference, batched);
            for (int i = 0; i < n; i++) { if (reference.Truncated[i]) truncations++; if (reference.Terminated[i]) terminations++; }
        }
        Assert.True(truncations > 0, "the test should exercise the time limit");
        Assert.True(terminations > 0, "the test should exercise termination");
    }

    [Fact]
    public void VectorEnvs_Make_serves_unwrapped_CartPole_with_the_batched_env()
    {
        using var venv = VectorEnvs.Make("CartPole-v1", 4, threaded: true, threads: 2);
        var batched = Assert.IsType<CartPoleVectorEnv>(venv);
        Assert.Equal(2, batched.Threads);
        Assert.Equal(500, batched.MaxEpisodeSteps);
        using var wrapped = VectorEnvs.Make("CartPole-v1", 4, wrap: e => e);
        Assert.IsType<SyncVectorEnv>(wrapped);
    }

    [Fact]
    public void Invalid_actions_and_lengths_are_rejected_with_the_expected_values()
    {
        using var venv = new CartPoleVectorEnv(3);
        venv.Reset(seed: 0);
        Assert.Contains("3 × 1 = 3 values, got 4", Assert.Throws<ArgumentException>(() => venv.Step(new float[4])).Message);
        Assert.Contains("Discrete(2)", Assert.Throws<ArgumentException>(() => venv.Step([0, 2, 1])).Message);
    }

    [Fact]
    public void State_round_trip_continues_identically()
    {
        using var a = new CartPoleVectorEnv(6);
        a.Reset(seed: 8);
        var rng = new Rng(2);
        var actions = new float[6];
        for (int t = 0; t < 40; t++) { for (int i = 0; i < 6; i++) actions[i] = rng.NextInt(2); a.Step(actions); }
        var ms = new MemoryStream();
        a.SaveState(new BinaryWriter(ms));
        using var b = new CartPoleVectorEnv(6, 500, threads: 2);
        ms.Position = 0;
        b.LoadState(new BinaryReader(ms));
        for (int t = 0; t < 100; t++)
        {
            for (int i = 0; i < 6; i++) actions[i] = rng.NextInt(2);
            a.Step(actions);
            b.Step(actions);
            AssertSame(a, b);
        }
    }
}
