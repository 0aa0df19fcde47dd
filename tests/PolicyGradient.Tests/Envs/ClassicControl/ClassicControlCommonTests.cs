using PolicyGradient.Environments;
using PolicyGradient.Environments.ClassicControl;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Tests.EnvTests.ClassicControl;

/// <summary>Properties shared by the five classic-control envs: registration, reset ranges, seeding, saved state.</summary>
public sealed class ClassicControlCommonTests
{
    public static TheoryData<string> Ids => new() { "CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1" };

    [Theory]
    [InlineData("CartPole-v1", 500, 475.0)]
    [InlineData("Acrobot-v1", 500, -100.0)]
    [InlineData("MountainCar-v0", 200, -110.0)]
    [InlineData("MountainCarContinuous-v0", 999, 90.0)]
    [InlineData("Pendulum-v1", 200, double.NaN)]
    public void RegistrationMatchesGymnasium(string id, int maxSteps, double threshold)
    {
        var spec = Envs.Spec(id);
        Assert.Equal(maxSteps, spec.MaxEpisodeSteps);
        if (double.IsNaN(threshold)) Assert.Null(spec.RewardThreshold);
        else Assert.Equal(threshold, spec.RewardThreshold);
        using var env = Envs.Make(id);
        Assert.Equal(maxSteps, Assert.IsType<TimeLimit>(env).MaxEpisodeSteps);
    }

    [Fact]
    public void SpacesMatchGymnasium()
    {
        Assert.Equal("Discrete(2)", Envs.Make("CartPole-v1").ActionSpace.ToString());
        Assert.Equal("Discrete(3)", Envs.Make("Acrobot-v1").ActionSpace.ToString());
        Assert.Equal("Discrete(3)", Envs.Make("MountainCar-v0").ActionSpace.ToString());
        Assert.Equal("Box(-1, 1, (1,), float32)", Envs.Make("MountainCarContinuous-v0").ActionSpace.ToString());
        Assert.Equal("Box(-2, 2, (1,), float32)", Envs.Make("Pendulum-v1").ActionSpace.ToString());
        var acrobot = (Box)Envs.Make("Acrobot-v1").ObservationSpace;
        Assert.Equal([1f, 1f, 1f, 1f, (float)(4 * Math.PI), (float)(9 * Math.PI)], acrobot.High);
        var cart = (Box)Envs.Make("CartPole-v1").ObservationSpace;
        Assert.Equal([4.8f, float.PositiveInfinity, (float)(24 * Math.PI / 180), float.PositiveInfinity], cart.High);
        var pendulum = (Box)Envs.Make("Pendulum-v1").ObservationSpace;
        Assert.Equal([1f, 1f, 8f], pendulum.High);
        var car = (Box)Envs.Make("MountainCar-v0").ObservationSpace;
        Assert.Equal([-1.2f, -0.07f], car.Low);
    }

    [Fact]
    public void ResetStatesLieInGymnasiumsRanges()
    {
        for (long seed = 0; seed < 200; seed++)
        {
            var cart = new CartPole(); cart.I().Reset(seed: seed);
            Assert.All(cart.State, s => Assert.InRange(s, -0.05f, 0.05f));
            var acro = new Acrobot(); acro.I().Reset(seed: seed);
            Assert.All(acro.State, s => { Assert.InRange(s, -0.1f, 0.1f); Assert.Equal(s, (double)(float)s); });
            var car = new MountainCar(); car.I().Reset(seed: seed);
            Assert.InRange(car.State[0], -0.6f, -0.4f); Assert.Equal(0.0, car.State[1]);
            var cont = new MountainCarContinuous(); cont.I().Reset(seed: seed);
            Assert.InRange(cont.State[0], -0.6f, -0.4f); Assert.Equal(0.0, cont.State[1]);
            var pend = new Pendulum(); pend.I().Reset(seed: seed);
            Assert.InRange(pend.State[0], -Math.PI, Math.PI); Assert.InRange(pend.State[1], -1.0, 1.0);
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void ResetObservationIsTheFloat32ImageOfTheState(string id)
    {
        // For envs whose observation is the state itself, reset rounds the state to float32, so a
        // Gymnasium env set to the printed observation continues exactly as ours.
        using var env = Envs.Make(id);
        var (obs, _) = env.I().Reset(seed: 42);
        double[] state = env.Unwrapped switch
        {
            CartPole e => e.State, Acrobot e => e.State, MountainCar e => e.State,
            MountainCarContinuous e => e.State, Pendulum e => e.State, _ => throw new InvalidOperationException(),
        };
        if (id is "CartPole-v1" or "MountainCar-v0" or "MountainCarContinuous-v0")
            Assert.Equal(obs.Select(o => (double)o), state);
        Assert.True(env.ObservationSpace.Contains(obs));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void SameSeedSameTrajectory_DifferentSeedDifferentStart(string id)
    {
        float[][] Run(long seed)
        {
            using var env = Envs.Make(id);
            var rng = new Rng(7);
            var list = new List<float[]> { env.I().Reset(seed: seed).Observation };
            var action = new float[env.ActionSpace.FlatSize];
            for (int t = 0; t < 50; t++)
            {
                env.ActionSpace.Sample(rng, action);
                var step = env.I().Step(action);
                list.Add(step.Observation);
                if (step.Terminated || step.Truncated) break;
            }
            return list.ToArray();
        }
        Assert.Equal(Run(123), Run(123));
        Assert.NotEqual(Run(123)[0], Run(124)[0]);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void SavedStateResumesExactly(string id)
    {
        using var a = Envs.Make(id);
        a.I().Reset(seed: 5);
        var action = new float[a.ActionSpace.FlatSize];
        var rng = new Rng(1);
        for (int t = 0; t < 10; t++) { a.ActionSpace.Sample(rng, action); a.I().Step(action); }
        using var ms = new MemoryStream();
        ((IStatefulEnv)a).SaveState(new BinaryWriter(ms));
        using var b = Envs.Make(id);
        ms.Position = 0;
        ((IStatefulEnv)b).LoadState(new BinaryReader(ms));
        for (int t = 0; t < 20; t++)
        {
            a.ActionSpace.Sample(rng, action);
            var ta = a.I().Step(action);
            var tb = b.I().Step(action);
            Assert.Equal(ta.Observation, tb.Observation);
            Assert.Equal(ta.Reward, tb.Reward);
            Assert.Equal(ta.Truncated, tb.Truncated);
            if (ta.Terminated || ta.Truncated) break;
        }
        // And the generator came along: the next reset without a seed agrees.
        Assert.Equal(a.I().Reset().Observation, b.I().Reset().Observation);
    }

    [Fact]
    public void PendulumIsTruncatedAtTwoHundredSteps()
    {
        using var env = Envs.Make("Pendulum-v1");
        env.I().Reset(seed: 0);
        for (int t = 1; t < 200; t++) Assert.False(env.I().Step([0f]).Truncated);
        var last = env.I().Step([0f]);
        Assert.True(last.Truncated);
        Assert.False(last.Terminated);
    }

    [Fact]
    public void UnknownKeywordArgumentsAreRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => Envs.Make("Acrobot-v1", new Dictionary<string, object> { ["book_or_nips"] = "nips" }));
        Assert.Contains("Acrobot-v1", ex.Message);
        Assert.Throws<ArgumentException>(() => Envs.Make("MountainCar-v0", new Dictionary<string, object> { ["goal_velocity"] = "fast" }));
    }
}
