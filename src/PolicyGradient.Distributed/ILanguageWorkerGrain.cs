namespace PolicyGradient.Distributed;

/// <summary>
/// A language rollout worker: holds a run's task, the policy's architecture with a copy of its weights
/// tagged with a version, and samples groups of completions when the learner asks. Keyed by
/// "run id/worker index" (docs/distributed.md, "Language runs").
/// </summary>
public interface ILanguageWorkerGrain : IGrainWithStringKey
{
    /// <summary>Builds the task and the policy; returns where the worker runs.</summary>
    Task<WorkerInfo> Start(LanguageWorkerSetup setup);

    /// <summary>Sets the weights (when sent) and samples the requested completions.</summary>
    Task<LanguageSlice> Generate(LanguageRequest request);

    /// <summary>Releases the policy and deactivates.</summary>
    Task Stop();
}
