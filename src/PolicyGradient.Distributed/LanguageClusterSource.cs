using System.Text.Json;
using PolicyGradient.Core;
using PolicyGradient.Estimators;
using PolicyGradient.Language.Runs;

namespace PolicyGradient.Distributed;

/// <summary>
/// Hands a group trainer's sampling (grpo and the other group algorithms) to language worker grains
/// on a cluster: the entry point of <c>pg train grpo TASK ... --cluster</c>. The update stays the
/// learner's; only where the completions come from changes (docs/distributed.md, "Language runs").
/// </summary>
public static class LanguageClusterSource
{
    /// <summary>Default cap of the truncated importance weights in async mode (verl's rollout correction threshold, 2).</summary>
    public const double DefaultTisCap = 2.0;

    /// <summary>Whether <paramref name="learner"/> is a language run (its rollouts are groups of completions).</summary>
    public static bool IsLanguage(ILearner learner) => learner is LanguageLearner;

    /// <summary>
    /// Starts <paramref name="workers"/> language worker grains for the group trainer behind
    /// <paramref name="learner"/>. Sync (<paramref name="maxPolicyLag"/> null): the run equals the local one
    /// bit for bit. Async: workers never wait, slices older than maxPolicyLag versions are dropped and
    /// counted, the rest corrected with per-token weights min(π_old/μ, <paramref name="tisCap"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A learner or option the cluster cannot run; the message names the fix.</exception>
    public static IReadOnlyList<WorkerInfo> Attach(ILearner learner, IGrainFactory grains, int workers, int? maxPolicyLag = null,
        double tisCap = DefaultTisCap, string? runId = null)
    {
        if (learner is not LanguageLearner { Stepper: GroupStepper stepper } language)
            throw new ArgumentException($"{learner.Name} samples no completions to distribute; --cluster takes the group algorithms (grpo, rloo, dapo, ...) on a task");
        var o = stepper.Options;
        if (workers < 1 || o.PromptsPerStep % workers != 0)
            throw new ArgumentException($"--workers {workers} must divide prompts_per_step {o.PromptsPerStep} (each worker samples prompts_per_step / workers groups); pass --set prompts_per_step=<a multiple of {workers}>");
        if (o.Rollout.DynamicSampling)
            throw new ArgumentException("--cluster does not run dynamic sampling yet (it draws more batches until enough groups vary); set dynamic_sampling=false");
        if (AdvantageEstimatorRegistry.Shared.Find(o.Estimator).NeedsGreedyBaseline)
            throw new ArgumentException($"--cluster does not sample greedy baselines on the workers yet (estimator {o.Estimator}); use a group estimator such as grpo or rloo");
        if (!(tisCap > 0)) throw new ArgumentException($"--tis-cap must be > 0 (the truncation of the importance weights, default {DefaultTisCap}), got {tisCap}");
        runId ??= Guid.NewGuid().ToString("N");
        var setup = new LanguageWorkerSetup
        {
            Protocol = DistributedProtocol.Version, RunConfigYaml = language.RunConfigYaml, ModelJson = JsonSerializer.Serialize(stepper.Policy.Config),
        };
        // Worker p's own prompt stream (async mode), re-seeded when it is re-created.
        Task<WorkerInfo> Start(string key, int p, int generation) =>
            grains.GetGrain<ILanguageWorkerGrain>(key).Start(setup with { Seed = o.Seed + 104_729L * (p + 1) + 7919L * generation });
        var pool = new WorkerPool(grains, runId, new WorkerSetup(), workers, start: Start);
        stepper.Trainer.GroupSource = maxPolicyLag is int lag ? new LanguageAsyncSource(pool, grains, lag, tisCap) : new LanguageSyncSource(pool, grains);
        return pool.StartAll();
    }

    /// <summary>Stops the run's workers (best effort: a worker whose silo is gone is collected by Orleans anyway).</summary>
    internal static void Stop(WorkerPool pool, IGrainFactory grains)
    {
        pool.StopWatching();
        try { Task.WhenAll(pool.All.Select(w => grains.GetGrain<ILanguageWorkerGrain>(w.GetPrimaryKeyString()).Stop())).Wait(TimeSpan.FromSeconds(10)); }
        catch (AggregateException) { }
    }
}
