using FsCheck.Xunit;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Wrappers;
using static PolicyGradient.Tests.Reliability.PropertyEnvs;

namespace PolicyGradient.Tests.Reliability;

/// <summary>
/// Property-based tests (FsCheck) over every built-in environment: random seeds, random episode
/// limits and random action sequences (valid actions; for Box action spaces also values far outside
/// the bounds). Each property runs its cases over all built-in ids; a failing case is shrunk by
/// FsCheck to a short action list and printed with the seed to replay it.
/// </summary>
public sealed class EnvPropertyTests
{
    [Fact]
    public void EveryBuiltInEnvironmentIsCovered()
    {
        Assert.Equal(
            ["Acrobot-v1", "CartPole-v1", "CartPoleNoVel-v1", "GoalGridWorld-v0", "InventoryLostSales-v0", "InventoryNetwork-v0", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1", "TicTacToe-v0"],
            BuiltInIds);
    }

    /// <summary>
    /// Observations (from Reset and every Step) lie inside the observation space, rewards are
    /// finite, and the flags follow the limit: truncated exactly on the step that reaches it
    /// (built-in envs never truncate themselves earlier), so terminated and truncated are both
    /// set only when the terminating step is also the limit step — as Gymnasium's TimeLimit does.
    /// </summary>
    [Property(MaxTest = 60)]
    public void ObservationsStayInsideTheSpaceRewardsAreFiniteAndFlagsFollowTheLimit(int seed, int limitDraw, int[] draws)
    {
        draws ??= [];
        int limit = Limit(limitDraw);
        foreach (string id in BuiltInIds)
        {
            using var env = Make(id, limit);
            var space = env.ObservationSpace;
            var obs = new float[space.FlatSize];
            var action = new float[env.ActionSpace.FlatSize];
            env.Reset(obs, seed);
            Assert.True(space.Contains(obs), $"{id}: reset observation [{string.Join(", ", obs)}] is outside {space}");
            int elapsed = 0;
            foreach (int draw in draws.Take(MaxSteps))
            {
                Action(env.ActionSpace, draw, wild: true, action);
                var r = env.Step(action, obs);
                elapsed++;
                Assert.True(space.Contains(obs), $"{id}: step {elapsed} (action [{string.Join(", ", action)}]) gave observation [{string.Join(", ", obs)}], outside {space}");
                Assert.True(double.IsFinite(r.Reward), $"{id}: step {elapsed} gave reward {r.Reward}");
                Assert.True(r.Truncated == (elapsed == limit), $"{id}: step {elapsed} of a {limit}-step limit has truncated = {r.Truncated}");
                if (r.Terminated && r.Truncated) Assert.Equal(limit, elapsed);
                if (r.Done)
                {
                    env.Reset(obs);
                    Assert.True(space.Contains(obs), $"{id}: reset observation [{string.Join(", ", obs)}] is outside {space}");
                    elapsed = 0;
                }
            }
        }
    }

    /// <summary>
    /// The real invariant behind loose bounds: terminated agrees with Gymnasium's termination rule
    /// evaluated on the returned observation (CartPole: |x| &gt; 2.4 or |θ| &gt; 12°; MountainCar:
    /// position ≥ 0.5 (0.45 for the continuous one) and velocity ≥ 0; Acrobot: −cos θ1 − cos(θ1 + θ2) &gt; 1; Pendulum and the
    /// inventory envs never terminate). A tolerance of 1e-5 absorbs the float32 rounding of the
    /// observation, since the envs decide on their float64 state.
    /// </summary>
    [Property(MaxTest = 60)]
    public void TerminationAgreesWithTheObservedState(int seed, int[] draws)
    {
        draws ??= [];
        const double Tol = 1e-5;
        foreach (string id in BuiltInIds)
        {
            using var env = Make(id, 1000);
            var obs = new float[env.ObservationSpace.FlatSize];
            var action = new float[env.ActionSpace.FlatSize];
            env.Reset(obs, seed);
            foreach (int draw in draws.Take(MaxSteps))
            {
                Action(env.ActionSpace, draw, wild: true, action);
                var r = env.Step(action, obs);
                // (surely terminal, surely not terminal) under Gymnasium's rule, with the tolerance
                (bool yes, bool no) = id switch
                {
                    "CartPole-v1" => Rule(Math.Max(Math.Abs(obs[0]) - 2.4, Math.Abs(obs[2]) - 12 * 2 * Math.PI / 360)),
                    "MountainCar-v0" => Rule(Math.Min(obs[0] - 0.5, obs[1])),
                    "MountainCarContinuous-v0" => Rule(Math.Min(obs[0] - 0.45, obs[1])),
                    "Acrobot-v1" => Rule(-obs[0] - (obs[0] * obs[2] - obs[1] * obs[3]) - 1.0),
                    "CartPoleNoVel-v1" => Rule(Math.Max(Math.Abs(obs[0]) - 2.4, Math.Abs(obs[1]) - 12 * 2 * Math.PI / 360)),
                    "GoalGridWorld-v0" => Exact(MathF.Round(obs[1] * 4) * 5 + MathF.Round(obs[0] * 4) == obs[2]),
                    "TicTacToe-v0" => Exact(TicTacToeOver(obs)),
                    _ => (false, true),
                };
                (bool, bool) Rule(double margin) => (margin > Tol, margin < -Tol);
                static (bool, bool) Exact(bool terminal) => (terminal, !terminal);
                if (yes) Assert.True(r.Terminated, $"{id}: observation [{string.Join(", ", obs)}] is terminal but terminated = false");
                if (no) Assert.False(r.Terminated, $"{id}: observation [{string.Join(", ", obs)}] is not terminal but terminated = true");
                if (r.Done) env.Reset(obs);
            }
        }
    }

    /// <summary>Same seed and same actions give bit-identical trajectories (resets after the first continue the stream).</summary>
    [Property(MaxTest = 50)]
    public void SameSeedAndActionsGiveIdenticalTrajectories(int seed, int limitDraw, int[] draws)
    {
        draws ??= [];
        int limit = Limit(limitDraw);
        foreach (string id in BuiltInIds)
        {
            using var a = Make(id, limit);
            using var b = Make(id, limit);
            Assert.True(SameTrajectory(Rollout(a, seed, draws, wild: true), Rollout(b, seed, draws, wild: true)), $"{id}: two runs with seed {seed} differ");
        }
    }

    /// <summary>
    /// Saving the complete state mid-episode and loading it — into a fresh env, or into the same
    /// env after it went on — continues exactly as the env that never stopped.
    /// </summary>
    [Property(MaxTest = 50)]
    public void SavedStateContinuesIdentically(int seed, int limitDraw, int[] before, int[] after)
    {
        before ??= [];
        after ??= [];
        int limit = Limit(limitDraw);
        foreach (string id in BuiltInIds)
        {
            using var env = Make(id, limit);
            var obs = new float[env.ObservationSpace.FlatSize];
            env.Reset(obs, seed);
            Continue(env, before, obs);
            using var saved = new MemoryStream();
            ((IStatefulEnv)env).SaveState(new BinaryWriter(saved));
            var expected = Continue(env, after, obs);

            using var fresh = Make(id, limit);
            saved.Position = 0;
            ((IStatefulEnv)fresh).LoadState(new BinaryReader(saved));
            Assert.True(SameTrajectory(expected, Continue(fresh, after, new float[obs.Length])), $"{id}: a fresh env loaded from the saved state diverged");

            saved.Position = 0;
            ((IStatefulEnv)env).LoadState(new BinaryReader(saved));
            Assert.True(SameTrajectory(expected, Continue(env, after, obs)), $"{id}: the env rewound to the saved state diverged");
        }
    }

    /// <summary>Steps <paramref name="draws"/> from wherever the env is, resetting (unseeded) after each episode.</summary>
    static List<PropertyEnvs.Step> Continue(IEnv env, int[] draws, float[] obs)
    {
        var result = new List<PropertyEnvs.Step>();
        var action = new float[env.ActionSpace.FlatSize];
        foreach (int draw in draws.Take(MaxSteps / 2))
        {
            Action(env.ActionSpace, draw, wild: true, action);
            var r = env.Step(action, obs);
            result.Add(new PropertyEnvs.Step((float[])obs.Clone(), r.Reward, r.Terminated, r.Truncated));
            if (r.Done)
            {
                env.Reset(obs);
                result.Add(new PropertyEnvs.Step((float[])obs.Clone(), 0, false, false));
            }
        }
        return result;
    }

    /// <summary>
    /// For discrete action spaces, an invalid action (out of range, fractional, NaN, infinite, or of
    /// the wrong length) throws <see cref="ArgumentException"/> and leaves the env exactly as it
    /// was: a twin that never saw the invalid actions follows the same trajectory.
    /// </summary>
    [Property(MaxTest = 60)]
    public void InvalidDiscreteActionsAreRejectedAndNeverCorruptState(int seed, int[] draws)
    {
        draws ??= [];
        foreach (string id in BuiltInIds)
        {
            using var env = Make(id, 1000);
            if (!env.ActionSpace.IsDiscrete) continue;
            using var twin = Make(id, 1000);
            var obs = new float[env.ObservationSpace.FlatSize];
            var twinObs = new float[obs.Length];
            var action = new float[env.ActionSpace.FlatSize];
            env.Reset(obs, seed);
            twin.Reset(twinObs, seed);
            foreach (int draw in draws.Take(MaxSteps))
            {
                if ((uint)draw % 3 == 0)
                {
                    var bad = InvalidAction(env.ActionSpace, draw);
                    Assert.ThrowsAny<ArgumentException>(() => env.Step(bad, obs));
                }
                Action(env.ActionSpace, draw, wild: false, action);
                var r = env.Step(action, obs);
                var t = twin.Step(action, twinObs);
                Assert.Equal(t, r);
                Assert.Equal(twinObs, obs);
                if (r.Done)
                {
                    env.Reset(obs);
                    twin.Reset(twinObs);
                }
            }
        }
    }

    /// <summary>An action that is not in <paramref name="space"/>, chosen by <paramref name="draw"/>.</summary>
    static float[] InvalidAction(Space space, int draw)
    {
        uint u = (uint)draw / 3;
        if (u % 7 == 6) return new float[space.FlatSize + 1]; // wrong length
        float[] a = new float[space.FlatSize];
        int i = (int)(u / 7 % (uint)a.Length);
        int n = space switch { Discrete d => d.Start + d.N, MultiDiscrete md => md.Nvec[i], _ => 2 };
        int start = space is Discrete dd ? dd.Start : 0;
        a[i] = (u % 7) switch
        {
            0 => n,               // one past the end
            1 => start - 1,       // one before the start
            2 => start + 0.5f,    // not an integer
            3 => float.NaN,
            4 => float.PositiveInfinity,
            _ => 1e9f,
        };
        return a;
    }

    /// <summary>
    /// The guard in strict mode never fires on the built-in envs (their observations honour their
    /// spaces) and changes nothing: guarded and plain trajectories are identical.
    /// </summary>
    [Property(MaxTest = 40)]
    public void StrictGuardAcceptsEveryBuiltInEnvAndChangesNothing(int seed, int limitDraw, int[] draws)
    {
        draws ??= [];
        int limit = Limit(limitDraw);
        foreach (string id in BuiltInIds)
        {
            using var plain = Make(id, limit);
            using var guarded = new GuardedEnv(Make(id, limit), strict: true);
            Assert.True(SameTrajectory(Rollout(plain, seed, draws, wild: true), Rollout(guarded, seed, draws, wild: true)), $"{id}: the guard changed the trajectory");
        }
    }

    /// <summary>TicTacToe-v0's terminal rule read from its observation planes: a completed line of either player, or a full board.</summary>
    static bool TicTacToeOver(float[] obs)
    {
        int[][] lines = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8], [0, 4, 8], [2, 4, 6]];
        foreach (int plane in new[] { 0, 9 })
            if (lines.Any(l => l.All(c => obs[plane + c] == 1f))) return true;
        return Enumerable.Range(0, 9).All(c => obs[c] + obs[9 + c] == 1f);
    }
}
