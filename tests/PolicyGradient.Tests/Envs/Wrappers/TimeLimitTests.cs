using PolicyGradient.Environments;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Tests.EnvTests.Wrappers;

/// <summary>TimeLimit semantics, checked against Gymnasium's TimeLimit (gymnasium/wrappers/common.py).</summary>
public sealed class TimeLimitTests
{
    [Fact]
    public void TruncatesExactlyOnTheLimitStep()
    {
        using var env = new TimeLimit(new FaultyEnv(Fault.None), 3);
        var obs = new float[2];
        env.Reset(obs, seed: 0);
        Assert.False(env.Step([0f], obs).Truncated);
        Assert.False(env.Step([0f], obs).Truncated);
        var r = env.Step([0f], obs);
        Assert.True(r.Truncated);
        Assert.False(r.Terminated);
    }

    [Fact]
    public void TerminationOnTheLimitStepSetsBothFlagsAsGymnasiumDoes()
    {
        // Gymnasium: `if self._elapsed_steps >= self._max_episode_steps: truncated = True`, with no
        // test of terminated — a terminal state reached on the last allowed step reports both.
        using var env = new TimeLimit(new FaultyEnv(Fault.None), 2);
        var obs = new float[2];
        env.Reset(obs, seed: 0);
        env.Step([0f], obs);
        var r = env.Step([2f], obs); // FaultyEnv terminates on action 2
        Assert.True(r.Terminated);
        Assert.True(r.Truncated);
    }

    [Fact]
    public void TerminationBeforeTheLimitIsNotTruncated()
    {
        using var env = new TimeLimit(new FaultyEnv(Fault.None), 5);
        var obs = new float[2];
        env.Reset(obs, seed: 0);
        var r = env.Step([2f], obs);
        Assert.True(r.Terminated);
        Assert.False(r.Truncated);
    }

    [Fact]
    public void ResetRestartsTheCountAndStateRoundTripKeepsIt()
    {
        using var env = new TimeLimit(new FaultyEnv(Fault.None), 3);
        var obs = new float[2];
        env.Reset(obs, seed: 0);
        env.Step([0f], obs);
        env.Step([0f], obs);
        using var ms = new MemoryStream();
        env.SaveState(new BinaryWriter(ms));
        env.Reset(obs);
        Assert.Equal(0, env.ElapsedSteps);
        ms.Position = 0;
        env.LoadState(new BinaryReader(ms));
        Assert.Equal(2, env.ElapsedSteps);
        Assert.True(env.Step([0f], obs).Truncated);
    }

    [Fact]
    public void LimitBelowOneIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeLimit(new FaultyEnv(Fault.None), 0));
}
