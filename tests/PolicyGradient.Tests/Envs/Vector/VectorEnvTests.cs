using EnvRegistry = PolicyGradient.Environments.Envs;
using PolicyGradient.Environments;
using PolicyGradient.Environments.ClassicControl;
using PolicyGradient.Environments.Vector;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Tests.EnvTests.Vector;

public class VectorEnvTests
{
    static IVectorEnv Make(bool threaded, int n, int threads = 3) =>
        VectorEnvs.Make("CartPole-v1", n, threaded, threads, wrap: e => new RecordEpisodeStatistics(e));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Copy_i_is_reset_with_seed_plus_i(bool threaded)
    {
        using var venv = Make(threaded, 4);
        venv.Reset(seed: 100);
        for (int i = 0; i < 4; i++)
        {
            var (obs, _) = EnvRegistry.Make("CartPole-v1").Reset(seed: 100 + i);
            Assert.Equal(obs, venv.Observations.AsSpan(i * 4, 4).ToArray());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Autoreset_keeps_the_final_observation_and_returns_the_next_episodes_first(bool threaded)
    {
        using var venv = Make(threaded, 2);
        venv.Reset(seed: 5);
        // The same episode of copy 1, stepped by hand.
        var single = EnvRegistry.Make("CartPole-v1");
        single.Reset(seed: 6);
        var actions = new float[] { 1, 1 };
        for (int step = 1; ; step++)
        {
            venv.Step(actions);
            var t = single.Step(1);
            Assert.Equal(t.Terminated, venv.Terminated[1]);
            if (!t.Terminated)
            {
                Assert.Equal(t.Observation, venv.Observations.AsSpan(4, 4).ToArray());
                continue;
            }
            Assert.Equal(t.Observation, venv.FinalObservations.AsSpan(4, 4).ToArray());
            var (next, _) = single.Reset(); // unseeded: the generator continues
            Assert.Equal(next, venv.Observations.AsSpan(4, 4).ToArray());
            var episode = Assert.IsType<EpisodeStatistics>(venv.Infos[1]!["episode"]);
            Assert.Equal(step, episode.Length);
            break;
        }
    }

    [Fact]
    public void Threaded_results_are_bit_identical_to_in_thread_results()
    {
        const int n = 7;
        using var sync = Make(false, n);
        using var threaded = Make(true, n, threads: 3);
        Assert.Equal(3, ((ThreadedVectorEnv)threaded).Threads);
        sync.Reset(seed: 11);
        threaded.Reset(seed: 11);
        var rng = new Rng(99);
        var actions = new float[n];
        for (int t = 0; t < 400; t++)
        {
            for (int i = 0; i < n; i++) actions[i] = rng.NextInt(2);
            sync.Step(actions);
            threaded.Step(actions);
            Assert.Equal(sync.Observations, threaded.Observations);
            Assert.Equal(sync.Rewards, threaded.Rewards);
            Assert.Equal(sync.Terminated, threaded.Terminated);
            Assert.Equal(sync.Truncated, threaded.Truncated);
            for (int i = 0; i < n; i++)
                if (sync.Terminated[i] || sync.Truncated[i])
                {
                    Assert.Equal(sync.FinalObservations.AsSpan(i * 4, 4).ToArray(), threaded.FinalObservations.AsSpan(i * 4, 4).ToArray());
                    Assert.Equal(((EpisodeStatistics)sync.Infos[i]!["episode"]).Return, ((EpisodeStatistics)threaded.Infos[i]!["episode"]).Return);
                }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Wrong_action_length_names_the_expected_length(bool threaded)
    {
        using var venv = Make(threaded, 3);
        venv.Reset(seed: 0);
        var ex = Assert.Throws<ArgumentException>(() => venv.Step(new float[2]));
        Assert.Contains("3", ex.Message);
        Assert.Contains("got 2", ex.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Step_before_Reset_is_refused(bool threaded)
    {
        using var venv = Make(threaded, 2);
        Assert.Throws<InvalidOperationException>(() => venv.Step(new float[2]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void State_round_trip_continues_identically(bool threaded)
    {
        using var venv = Make(threaded, 5);
        venv.Reset(seed: 3);
        var rng = new Rng(1);
        var actions = new float[5];
        void Next() { for (int i = 0; i < 5; i++) actions[i] = rng.NextInt(2); venv.Step(actions); }
        for (int t = 0; t < 60; t++) Next();
        var ms = new MemoryStream();
        ((IStatefulEnv)venv).SaveState(new BinaryWriter(ms));
        var rngState = rng.GetState();
        var original = new List<float[]>();
        for (int t = 0; t < 100; t++) { Next(); original.Add([.. venv.Observations]); }

        using var restored = Make(threaded, 5);
        ms.Position = 0;
        ((IStatefulEnv)restored).LoadState(new BinaryReader(ms));
        rng.SetState(rngState);
        for (int t = 0; t < 100; t++)
        {
            for (int i = 0; i < 5; i++) actions[i] = rng.NextInt(2);
            restored.Step(actions);
            Assert.Equal(original[t], restored.Observations);
        }
    }

    [Fact]
    public void Errors_in_worker_threads_reach_the_caller_with_their_type()
    {
        using var venv = new ThreadedVectorEnv(i => new CartPole(), 4, threads: 2);
        venv.Reset(seed: 0);
        // Action 2 is outside Discrete(2): copies on the worker thread throw ArgumentException.
        var ex = Assert.Throws<ArgumentException>(() => venv.Step([0, 0, 2, 2]));
        Assert.Contains("not in the action space", ex.Message);
    }

    [Fact]
    public void Unknown_id_is_reported_with_the_closest_ids()
    {
        var ex = Assert.Throws<UnknownEnvironmentException>(() => VectorEnvs.Make("CartPol-v1", 2));
        Assert.Contains("CartPole-v1", ex.Closest);
    }
}
