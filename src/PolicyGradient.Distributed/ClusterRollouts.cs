using PolicyGradient.Algorithms;
using PolicyGradient.Core;

namespace PolicyGradient.Distributed;

/// <summary>
/// Hands an on-policy algorithm's rollouts to worker grains on a cluster (sync mode): the entry point
/// of <c>pg train ... --cluster</c> and of embedding code. Use it from
/// <see cref="Training.TrainingSession.PrepareLearner"/>, or on an algorithm you built before Learn.
/// </summary>
public static class ClusterRollouts
{
    /// <summary>
    /// Starts <paramref name="workers"/> worker grains (run <paramref name="runId"/>), splitting the
    /// algorithm's n_envs copies into equal contiguous parts, and makes the algorithm collect its
    /// rollouts through them.
    /// </summary>
    /// <exception cref="ArgumentException">An algorithm or setup sync mode cannot reproduce exactly; the message names the fix.</exception>
    public static IReadOnlyList<WorkerInfo> Attach(ILearner learner, IGrainFactory grains, int workers, string? runId = null) =>
        Attach(learner, grains, workers, maxPolicyLag: null, runId);

    /// <summary>
    /// As <see cref="Attach(ILearner, IGrainFactory, int, string?)"/>; with <paramref name="maxPolicyLag"/>
    /// the run is async (IMPALA-style, ppo and a2c only): workers never wait, slices more than
    /// maxPolicyLag versions behind the learner are dropped and counted, the rest are corrected
    /// (decoupled PPO clipping, V-trace). Not reproducible.
    /// </summary>
    /// <exception cref="ArgumentException">An algorithm or setup the mode cannot run; the message names the fix.</exception>
    public static IReadOnlyList<WorkerInfo> Attach(ILearner learner, IGrainFactory grains, int workers, int? maxPolicyLag, string? runId = null)
    {
        if (maxPolicyLag is not null && learner.Name is not ("ppo" or "a2c"))
            throw new ArgumentException($"--cluster-mode async corrects stale batches for ppo (decoupled clipping) and a2c (V-trace), not {learner.Name}; use --cluster-mode sync");
        if (learner is not ISavableAlgorithm algorithm)
            throw new ArgumentException($"{learner.Name} has no environment rollouts to distribute; --cluster takes the on-policy algorithms (ppo, a2c, reinforce, trpo)");
        var core = algorithm.Core;
        int n = core.Env.NumEnvs;
        if (workers < 1 || n % workers != 0)
            throw new ArgumentException($"--workers {workers} must divide n_envs {n} (each worker steps n_envs / workers copies); set n_envs to a multiple of the worker count");
        var source = core.Source ?? throw new ArgumentException("cluster rollouts need an algorithm built from a registered env id (its workers rebuild the env copies)");
        var layout = core.NativeRollout is null ? null : core.Net.NativeLayout();
        if (layout is null)
            throw new ArgumentException("cluster rollouts need the native backend (the libtorch rollout path is not partitioned); set backend=native or backend=auto with an MLP policy");
        runId ??= Guid.NewGuid().ToString("N");
        int m = n / workers;
        var setup = new WorkerSetup
        {
            Protocol = DistributedProtocol.Version, EnvId = source.EnvId, EnvKwargs = EnvKwargsText.Write(source.EnvKwargs),
            Seed = source.Seed, Count = m, Layout = LayoutMessage.From(layout),
        };
        var pool = new WorkerPool(grains, runId, setup, workers);
        // Checks first, touches no grain; owned by the algorithm from here.
        if (maxPolicyLag is int lag) core.UseAsyncPartitions(new AsyncRemotePartitions(pool), lag);
        else core.UsePartitions(new RemotePartitions(pool));
        return pool.StartAll();
    }
}
