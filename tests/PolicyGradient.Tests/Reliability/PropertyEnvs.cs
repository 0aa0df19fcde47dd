using PolicyGradient.Environments;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Tests.Reliability;

/// <summary>
/// Shared pieces of the environment property tests: the built-in ids, envs made with short
/// episodes, and actions decoded from the integers FsCheck generates (so a failing case shrinks to
/// a short, readable action list).
/// </summary>
internal static class PropertyEnvs
{
    /// <summary>Most steps one case takes, to keep each property to a few seconds.</summary>
    public const int MaxSteps = 80;

    /// <summary>
    /// Every registered environment that ships with the library (user envs registered by other tests
    /// are left out: they are deliberately broken).
    /// </summary>
    public static IReadOnlyList<string> BuiltInIds { get; } = Envs.Registered
        .Where(s => { using var e = Envs.Make(s.Id); return e.Unwrapped.GetType().Assembly == typeof(IEnv).Assembly; })
        .Select(s => s.Id).ToList();

    /// <summary>
    /// Makes <paramref name="id"/> with an episode limit of <paramref name="limit"/> steps so that
    /// short action sequences reach it: through <see cref="TimeLimit"/> for envs registered with a
    /// step limit, through the <c>horizon</c> kwarg for the inventory envs (which truncate themselves).
    /// </summary>
    public static IEnv Make(string id, int limit)
    {
        var spec = Envs.Spec(id);
        if (spec.MaxEpisodeSteps is not null) return Envs.Make(id, maxEpisodeSteps: limit);
        return Envs.Make(id, new Dictionary<string, object> { ["horizon"] = limit });
    }

    /// <summary>A limit in [1, 40] from any integer.</summary>
    public static int Limit(int draw) => 1 + (int)((uint)draw % 40);

    /// <summary>
    /// Decodes a valid action of <paramref name="space"/> from <paramref name="draw"/>; for a Box,
    /// with <paramref name="wild"/>, one draw in four is a value far outside the bounds (±1e3, ±1e6,
    /// ±3e38), which Gymnasium's continuous envs must clip.
    /// </summary>
    public static void Action(Space space, int draw, bool wild, Span<float> action)
    {
        uint u = (uint)draw;
        switch (space)
        {
            case Discrete d:
                action[0] = d.Start + (int)(u % (uint)d.N);
                break;
            case MultiDiscrete md:
                for (int i = 0; i < md.Nvec.Length; i++) action[i] = (int)(Mix(u, i) % (uint)md.Nvec[i]);
                break;
            case MultiBinary:
                for (int i = 0; i < action.Length; i++) action[i] = Mix(u, i) & 1;
                break;
            case Box box:
                for (int i = 0; i < action.Length; i++)
                {
                    uint h = Mix(u, i);
                    if (wild && h % 4 == 0)
                    {
                        float[] far = [1e3f, 1e6f, 3e38f];
                        action[i] = far[(h >> 2) % 3] * ((h & 0x100) == 0 ? 1 : -1);
                    }
                    else
                    {
                        float lo = float.IsFinite(box.Low[i]) ? box.Low[i] : -10f;
                        float hi = float.IsFinite(box.High[i]) ? box.High[i] : 10f;
                        action[i] = Math.Min(hi, lo + (hi - lo) * ((h >> 8) & 0xFFFF) / 65535f);
                    }
                }
                break;
            default:
                throw new NotSupportedException(space.ToString());
        }
    }

    /// <summary>A cheap integer hash so the elements of one multi-dimensional action differ.</summary>
    static uint Mix(uint u, int i)
    {
        uint h = u * 2654435761u + (uint)i * 40503u;
        return h ^ (h >> 15);
    }

    /// <summary>One step of a recorded trajectory.</summary>
    public readonly record struct Step(float[] Observation, double Reward, bool Terminated, bool Truncated);

    /// <summary>
    /// Runs <paramref name="draws"/> (at most <see cref="MaxSteps"/>) as actions from a Reset with
    /// <paramref name="seed"/>; after an episode ends the next Reset continues the generator's stream.
    /// Returns the first observation followed by every step.
    /// </summary>
    public static List<Step> Rollout(IEnv env, long seed, int[] draws, bool wild)
    {
        var result = new List<Step>();
        var obs = new float[env.ObservationSpace.FlatSize];
        var action = new float[env.ActionSpace.FlatSize];
        env.Reset(obs, seed);
        result.Add(new Step((float[])obs.Clone(), 0, false, false));
        foreach (int draw in draws.Take(MaxSteps))
        {
            Action(env.ActionSpace, draw, wild, action);
            var r = env.Step(action, obs);
            result.Add(new Step((float[])obs.Clone(), r.Reward, r.Terminated, r.Truncated));
            if (r.Done)
            {
                env.Reset(obs);
                result.Add(new Step((float[])obs.Clone(), 0, false, false));
            }
        }
        return result;
    }

    /// <summary>True when two trajectories are bit-for-bit equal.</summary>
    public static bool SameTrajectory(List<Step> a, List<Step> b)
    {
        if (a.Count != b.Count) return false;
        for (int i = 0; i < a.Count; i++)
        {
            if (!a[i].Observation.AsSpan().SequenceEqual(b[i].Observation)) return false;
            if (BitConverter.DoubleToInt64Bits(a[i].Reward) != BitConverter.DoubleToInt64Bits(b[i].Reward)) return false;
            if (a[i].Terminated != b[i].Terminated || a[i].Truncated != b[i].Truncated) return false;
        }
        return true;
    }
}
