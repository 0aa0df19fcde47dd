using PolicyGradient.Environments.ClassicControl;

namespace PolicyGradient.Environments.Vector;

/// <summary>Factory helpers for vector envs (Gymnasium's <c>make_vec</c>, SB3's <c>make_vec_env</c>).</summary>
public static class VectorEnvs
{
    /// <summary>
    /// Makes <paramref name="numEnvs"/> copies of a registered env (each with its registered time
    /// limit), optionally wrapped by <paramref name="wrap"/>, stepped in-thread or on
    /// <paramref name="threads"/> threads (default: the number of cores).
    /// </summary>
    /// <remarks>
    /// Unwrapped CartPole copies are served by <see cref="CartPoleVectorEnv"/>, which steps them as
    /// arrays and gives exactly the same numbers as the generic vector envs (tested).
    /// </remarks>
    /// <exception cref="UnknownEnvironmentException">The id is not registered.</exception>
    public static IVectorEnv Make(string id, int numEnvs, bool threaded = false, int? threads = null, Func<IEnv, IEnv>? wrap = null)
    {
        var spec = PolicyGradient.Environments.Envs.Spec(id); // unknown ids fail before anything is built
        if (numEnvs <= 0) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, "numEnvs must be >= 1");
        if (threads is <= 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be >= 1");
        if (wrap is null && IsBuiltInCartPole(spec))
            return new CartPoleVectorEnv(numEnvs, spec.MaxEpisodeSteps ?? 0, threaded ? threads ?? Environment.ProcessorCount : 1);
        IEnv Factory(int _)
        {
            IEnv env = PolicyGradient.Environments.Envs.Make(id);
            return wrap is null ? env : wrap(env);
        }
        return threaded ? new ThreadedVectorEnv(Factory, numEnvs, threads) : new SyncVectorEnv(Factory, numEnvs);
    }

    static bool IsBuiltInCartPole(EnvSpec spec)
    {
        using var probe = spec.Factory(new Dictionary<string, object>());
        return probe.GetType() == typeof(CartPole);
    }

    /// <summary>Calls <paramref name="factory"/> for copies 0..numEnvs−1.</summary>
    internal static IEnv[] Build(Func<int, IEnv> factory, int numEnvs)
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (numEnvs <= 0) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, "numEnvs must be >= 1");
        var envs = new IEnv[numEnvs];
        for (int i = 0; i < numEnvs; i++) envs[i] = factory(i) ?? throw new ArgumentException($"the factory returned null for copy {i}", nameof(factory));
        return envs;
    }
}
