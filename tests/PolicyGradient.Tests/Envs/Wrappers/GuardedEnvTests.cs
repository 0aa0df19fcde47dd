using PolicyGradient.Environments;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Tests.EnvTests.Wrappers;

public sealed class GuardedEnvTests
{
    static readonly float[] Obs = new float[2];

    /// <summary>Resets, steps action 1 until the fault step and returns what the guard threw there.</summary>
    static EnvContractException FailAtFault(Fault kind, bool strict = false, int faultStep = 3)
    {
        using var env = new GuardedEnv(new FaultyEnv(kind, faultStep), strict);
        env.Reset(Obs, seed: 1);
        for (int t = 1; t < faultStep; t++) env.Step([1f], Obs);
        return Assert.Throws<EnvContractException>(() => env.Step([1f], Obs));
    }

    [Fact]
    public void NaNObservationNamesEnvCallStepIndexAndValue()
    {
        var ex = FailAtFault(Fault.NaNObservation);
        Assert.Equal("FaultyEnv: Step 3 of the episode (action [1]) returned observation[1] = NaN; observations must be finite (look for a division by zero or an overflow in the dynamics)", ex.Message);
        Assert.Equal(("FaultyEnv", "Step", 3), (ex.EnvId, ex.Call, ex.EpisodeStep));
    }

    [Fact]
    public void InfiniteObservationIsReported()
    {
        var ex = FailAtFault(Fault.InfiniteObservation, faultStep: 5);
        Assert.StartsWith("FaultyEnv: Step 5 of the episode (action [1]) returned observation[0] = Infinity;", ex.Message);
    }

    [Theory]
    [InlineData(Fault.NaNReward, "NaN")]
    [InlineData(Fault.InfiniteReward, "-Infinity")]
    public void NonFiniteRewardIsReported(Fault kind, string value)
    {
        var ex = FailAtFault(kind);
        Assert.Equal($"FaultyEnv: Step 3 of the episode (action [1]) returned reward {value}; rewards must be finite", ex.Message);
    }

    [Fact]
    public void ExceptionFromUserCodeIsWrappedWithCallAndAction()
    {
        var ex = FailAtFault(Fault.Throws, faultStep: 2);
        Assert.IsType<InvalidCastException>(ex.InnerException);
        Assert.Equal("FaultyEnv: Step 2 of the episode threw InvalidCastException for action [1]: boom in user code", ex.Message);
        Assert.Equal(2, ex.EpisodeStep);
    }

    [Fact]
    public void ExceptionInResetIsWrapped()
    {
        using var env = new GuardedEnv(new FaultyEnv(Fault.ResetThrows));
        var ex = Assert.Throws<EnvContractException>(() => env.Reset(Obs, seed: 42));
        Assert.IsType<IOException>(ex.InnerException);
        Assert.Equal("FaultyEnv: Reset (seed 42) threw IOException: simulator socket closed", ex.Message);
        Assert.Equal(("Reset", 0), (ex.Call, ex.EpisodeStep));
    }

    [Fact]
    public void NaNFromResetIsReported()
    {
        using var env = new GuardedEnv(new FaultyEnv(Fault.NaNOnReset));
        var ex = Assert.Throws<EnvContractException>(() => env.Reset(Obs));
        Assert.StartsWith("FaultyEnv: Reset (no seed) returned observation[1] = NaN;", ex.Message);
    }

    [Fact]
    public void UnwrittenObservationElementIsReported()
    {
        var ex = FailAtFault(Fault.UnwrittenObservation);
        Assert.Equal("FaultyEnv: Step 3 of the episode (action [1]) did not write observation[1]; an env must write every element of the observation buffer on each Reset and Step", ex.Message);
    }

    [Fact]
    public void StrictModeReportsObservationAboveTheSpace()
    {
        var ex = FailAtFault(Fault.AboveHigh, strict: true);
        Assert.StartsWith("FaultyEnv: Step 3 of the episode (action [1]) returned observation[1] = 0.52, above the observation space's high 0.4189;", ex.Message);
    }

    [Fact]
    public void StrictModeReportsObservationBelowTheSpace()
    {
        var ex = FailAtFault(Fault.BelowLow, strict: true);
        Assert.StartsWith("FaultyEnv: Step 3 of the episode (action [1]) returned observation[0] = -1.5, below the observation space's low -1;", ex.Message);
    }

    [Fact]
    public void OutOfSpaceObservationPassesWithoutStrictMode()
    {
        using var env = new GuardedEnv(new FaultyEnv(Fault.AboveHigh));
        env.Reset(Obs, seed: 1);
        for (int t = 0; t < 3; t++) env.Step([1f], Obs);
        Assert.Equal(0.52f, Obs[1]);
    }

    [Fact]
    public void StepAfterTerminationWithoutResetIsReported()
    {
        using var env = new GuardedEnv(new FaultyEnv(Fault.None));
        env.Reset(Obs, seed: 1);
        env.Step([1f], Obs);
        Assert.True(env.Step([2f], Obs).Terminated);
        var ex = Assert.Throws<EnvContractException>(() => env.Step([1f], Obs));
        Assert.Equal("FaultyEnv: Step was called after the episode ended (terminated at step 2) without Reset; call Reset before stepping again (vector envs do this automatically)", ex.Message);
        env.Reset(Obs);
        Assert.False(env.Step([1f], Obs).Done); // a Reset clears it
        Assert.Equal(1, env.EpisodeStep);
    }

    [Fact]
    public void StepAfterTruncationWithoutResetIsReported()
    {
        using var env = new GuardedEnv(Envs.Make("CartPole-v1", maxEpisodeSteps: 4));
        env.Reset(new float[4], seed: 3);
        StepResult r = default;
        for (int t = 0; t < 4; t++) r = env.Step([t % 2], new float[4]);
        Assert.True(r.Truncated);
        var ex = Assert.Throws<EnvContractException>(() => env.Step([0f], new float[4]));
        Assert.Equal("CartPole-v1: Step was called after the episode ended (truncated at step 4) without Reset; call Reset before stepping again (vector envs do this automatically)", ex.Message);
        Assert.Equal("CartPole-v1", ex.EnvId);
    }

    [Fact]
    public void StepBeforeResetIsReported()
    {
        using var env = new GuardedEnv(new FaultyEnv(Fault.None));
        var ex = Assert.Throws<EnvContractException>(() => env.Step([0f], Obs));
        Assert.Contains("Step was called before Reset", ex.Message);
        Assert.IsAssignableFrom<InvalidOperationException>(ex);
    }

    [Theory]
    [InlineData(2f)]
    [InlineData(-1f)]
    [InlineData(0.5f)]
    [InlineData(float.NaN)]
    public void InvalidDiscreteActionIsAnArgumentErrorAndLeavesTheEnvUntouched(float bad)
    {
        using var guarded = new GuardedEnv(Envs.Make("CartPole-v1"));
        using var twin = Envs.Make("CartPole-v1");
        var a = new float[4];
        var b = new float[4];
        guarded.Reset(a, seed: 9);
        twin.Reset(b, seed: 9);
        guarded.Step([1f], a);
        twin.Step([1f], b);
        var ex = Assert.Throws<ArgumentException>(() => guarded.Step([bad], a));
        Assert.Contains("is not in the action space Discrete(2); the env was not stepped", ex.Message);
        for (int t = 0; t < 5; t++)
        {
            var ra = guarded.Step([0f], a);
            var rb = twin.Step([0f], b);
            Assert.Equal(rb, ra);
            Assert.Equal(b, a);
        }
        Assert.Equal(6, guarded.EpisodeStep);
    }

    [Fact]
    public void WrongActionLengthIsAnArgumentError()
    {
        using var env = new GuardedEnv(Envs.Make("Pendulum-v1"));
        env.Reset(new float[3], seed: 0);
        Assert.Throws<ArgumentException>(() => env.Step([0f, 0f], new float[3]));
        Assert.Throws<ArgumentException>(() => env.Step([0f], new float[4]));
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void NonFiniteContinuousActionIsReported(float bad, string text)
    {
        using var env = new GuardedEnv(Envs.Make("Pendulum-v1"));
        env.Reset(new float[3], seed: 0);
        env.Step([0.5f], new float[3]);
        var ex = Assert.Throws<EnvContractException>(() => env.Step([bad], new float[3]));
        Assert.StartsWith($"Pendulum-v1: Step 2 of the episode was given action[0] = {text}; actions must be finite", ex.Message);
    }

    [Fact]
    public void ContinuousActionOutsideTheBoxIsPassedOn()
    {
        // Gymnasium's continuous envs clip actions themselves, so the guard lets them through.
        using var guarded = new GuardedEnv(Envs.Make("Pendulum-v1"));
        using var plain = Envs.Make("Pendulum-v1");
        var a = new float[3];
        var b = new float[3];
        guarded.Reset(a, seed: 5);
        plain.Reset(b, seed: 5);
        Assert.Equal(plain.Step([1e6f], b), guarded.Step([1e6f], a));
        Assert.Equal(b, a);
    }

    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Acrobot-v1")]
    [InlineData("MountainCarContinuous-v0")]
    [InlineData("InventoryNetwork-v0")]
    public void GuardChangesNothingOnTheHappyPath(string id)
    {
        using var guarded = new GuardedEnv(Envs.Make(id, maxEpisodeSteps: 50), strict: true);
        using var plain = Envs.Make(id, maxEpisodeSteps: 50);
        var rng = new Rng(17);
        int n = plain.ObservationSpace.FlatSize;
        float[] a = new float[n], b = new float[n], action = new float[plain.ActionSpace.FlatSize];
        guarded.Reset(a, seed: 2);
        plain.Reset(b, seed: 2);
        for (int t = 0; t < 300; t++)
        {
            plain.ActionSpace.Sample(rng, action);
            var rb = plain.Step(action, b);
            var ra = guarded.Step(action, a);
            Assert.Equal(rb, ra);
            Assert.Equal(b, a);
            if (rb.Done)
            {
                guarded.Reset(a);
                plain.Reset(b);
                Assert.Equal(b, a);
            }
        }
    }

    [Fact]
    public void HappyPathAllocatesNothing()
    {
        using var env = new GuardedEnv(Envs.Make("CartPole-v1"), strict: true);
        var obs = new float[4];
        var action = new float[1];
        void Run(int steps)
        {
            env.Reset(obs, seed: 0);
            for (int t = 0; t < steps; t++)
            {
                action[0] = t & 1;
                if (env.Step(action, obs).Done) env.Reset(obs);
            }
        }
        Run(2000); // warm up (JIT)
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(5000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void StateRoundTripRestoresTheEpisodeCounter()
    {
        using var env = new GuardedEnv(new FaultyEnv(Fault.None));
        env.Reset(Obs, seed: 1);
        env.Step([1f], Obs);
        using var ms = new MemoryStream();
        env.SaveState(new BinaryWriter(ms));
        env.Step([2f], Obs); // terminates
        ms.Position = 0;
        env.LoadState(new BinaryReader(ms));
        Assert.Equal(1, env.EpisodeStep);
        env.Step([1f], Obs); // allowed again: the saved state was mid-episode
        Assert.Equal(2, env.EpisodeStep);
    }

    [Fact]
    public void NestedInsideOtherWrappersTheFirstGuardReports()
    {
        // A guard around a guard reports once, with the inner guard's message (not wrapped twice).
        using var env = new GuardedEnv(new TimeLimit(new GuardedEnv(new FaultyEnv(Fault.Throws, 1)), 10));
        env.Reset(Obs, seed: 0);
        var ex = Assert.Throws<EnvContractException>(() => env.Step([0f], Obs));
        Assert.IsType<InvalidCastException>(ex.InnerException);
    }
}
