namespace PolicyGradient.Environments;

/// <summary>Convenient, allocating forms of the <see cref="IEnv"/> calls (Gymnasium-like tuples).</summary>
public static class EnvExtensions
{
    /// <summary>Resets and returns (observation, info).</summary>
    public static (float[] Observation, IReadOnlyDictionary<string, object>? Info) Reset(this IEnv env, long? seed = null)
    {
        var obs = new float[env.ObservationSpace.FlatSize];
        var info = env.Reset(obs, seed);
        return (obs, info);
    }

    /// <summary>Steps with a flat action and returns the transition.</summary>
    public static Transition Step(this IEnv env, float[] action)
    {
        var obs = new float[env.ObservationSpace.FlatSize];
        var r = env.Step(action, obs);
        return new Transition(obs, r.Reward, r.Terminated, r.Truncated, r.Info);
    }

    /// <summary>Steps with a discrete action.</summary>
    public static Transition Step(this IEnv env, int action) => env.Step([(float)action]);
}
