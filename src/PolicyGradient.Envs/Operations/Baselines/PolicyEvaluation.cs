namespace PolicyGradient.Environments.Operations.Baselines;

/// <summary>
/// Evaluates any policy on any env: episode i is reset with seed + i, so two policies evaluated with
/// the same seed see the same random numbers (common random numbers, which makes their difference
/// far less noisy than their separate means when the env draws a fixed amount of randomness per step).
/// </summary>
public static class PolicyEvaluation
{
    /// <summary>Runs <paramref name="episodes"/> episodes of <paramref name="policy"/> (observation in, flat action out).</summary>
    /// <param name="env">The env; it is reset and stepped, not disposed.</param>
    /// <param name="policy">Maps an observation to an action (it may return the same array each call).</param>
    /// <param name="episodes">Number of episodes (&gt;= 1).</param>
    /// <param name="seed">Seed of the first episode; episode i uses seed + i.</param>
    /// <param name="maxStepsPerEpisode">Safety cut for envs that never end on their own.</param>
    public static ReturnStatistics Evaluate(IEnv env, Func<float[], float[]> policy, int episodes, long seed, int maxStepsPerEpisode = 1_000_000)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(policy);
        if (episodes < 1) throw new ArgumentException($"episodes = {episodes} is invalid; give at least 1 episode", nameof(episodes));
        var obs = new float[env.ObservationSpace.FlatSize];
        double sum = 0, sumSq = 0;
        long steps = 0;
        for (int e = 0; e < episodes; e++)
        {
            env.Reset(obs, seed + e);
            double ret = 0;
            for (int t = 0; t < maxStepsPerEpisode; t++)
            {
                var r = env.Step(policy(obs), obs);
                ret += r.Reward;
                steps++;
                if (r.Done) break;
            }
            sum += ret;
            sumSq += ret * ret;
        }
        double mean = sum / episodes;
        double variance = episodes > 1 ? Math.Max(0, (sumSq - episodes * mean * mean) / (episodes - 1)) : 0;
        return new ReturnStatistics(mean, Math.Sqrt(variance), episodes, (double)steps / episodes);
    }

    /// <summary>Makes <paramref name="envId"/> with <paramref name="kwargs"/> and evaluates <paramref name="policy"/> on it.</summary>
    public static ReturnStatistics Evaluate(string envId, IReadOnlyDictionary<string, object>? kwargs, Func<float[], float[]> policy, int episodes, long seed)
    {
        using var env = Envs.Make(envId, kwargs);
        return Evaluate(env, policy, episodes, seed);
    }
}
