using EnvRegistry = PolicyGradient.Environments.Envs;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Tests.EnvTests.Wrappers;

public class RecordEpisodeStatisticsTests
{
    [Fact]
    public void CartPole_episode_return_and_length_are_reported_on_the_last_step_only()
    {
        var env = new RecordEpisodeStatistics(EnvRegistry.Make("CartPole-v1"));
        env.Reset(seed: 42);
        int steps = 0;
        Transition t;
        do
        {
            t = env.Step(1); // always push right: the pole falls within a few dozen steps
            steps++;
            if (!t.Terminated) Assert.True(t.Info is null || !t.Info.ContainsKey("episode"));
        } while (!t.Terminated && !t.Truncated);
        var episode = Assert.IsType<EpisodeStatistics>(t.Info!["episode"]);
        Assert.Equal(steps, episode.Length);
        Assert.Equal(steps, episode.Return); // +1 per step, the terminating step included
        Assert.InRange(steps, 5, 60);
        Assert.True(episode.Seconds >= 0);
        Assert.Equal(1, env.EpisodeCount);
    }

    [Fact]
    public void TimeLimit_truncates_at_500_and_the_statistics_show_it()
    {
        var env = new RecordEpisodeStatistics(new TimeLimit(new SequenceEnv([0, 1], [0.5], loop: true), 500));
        env.Reset(seed: 0);
        Transition t = null!;
        for (int i = 1; i <= 500; i++)
        {
            t = env.Step(0);
            Assert.Equal(i == 500, t.Truncated);
            Assert.False(t.Terminated);
        }
        var episode = (EpisodeStatistics)t.Info!["episode"];
        Assert.Equal(500, episode.Length);
        Assert.Equal(250.0, episode.Return, 9);
    }

    [Fact]
    public void Registered_CartPole_is_truncated_at_500_steps()
    {
        var env = EnvRegistry.Make("CartPole-v1");
        var cart = (global::PolicyGradient.Environments.ClassicControl.CartPole)env.Unwrapped;
        env.Reset(seed: 0);
        Transition t = null!;
        for (int i = 1; i <= 500; i++)
        {
            cart.State = [0, 0, 0, 0]; // hold the pole upright so only the time limit can end the episode
            t = env.Step(i % 2);
            Assert.Equal(i == 500, t.Truncated);
        }
        Assert.False(t.Terminated);
    }
}
