namespace PolicyGradient.Environments.Vector;

/// <summary>Factory helpers for vector envs (Gymnasium's <c>make_vec</c>, SB3's <c>make_vec_env</c>).</summary>
public static class VectorEnvs
{
    /// <summary>
    /// Makes <paramref name="numEnvs"/> copies of a registered env (each with its registered time
    /// limit), optionally wrapped by <paramref name="wrap"/>, stepped in-thread or on
    /// <paramref name="threads"/> threads (default: the number of cores).
    /// </summary>
    /// <exception cref="UnknownEnvironmentException">The id is not registered.</exception>
    public static IVectorEnv Make(string id, int numEnvs, bool threaded = false, int? threads = null, Func<IEnv, IEnv>? wrap = null)
    {
        _ = PolicyGradient.Environments.Envs.Spec(id); // unknown ids fail before anything is built
        IEnv Factory(int _)
        {
            IEnv env = PolicyGradient.Environments.Envs.Make(id);
            return wrap is null ? env : wrap(env);
        }
        return threaded ? new ThreadedVectorEnv(Factory, numEnvs, threads) : new SyncVectorEnv(Factory, numEnvs);
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
