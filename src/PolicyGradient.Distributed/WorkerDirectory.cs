using Orleans.Concurrency;

namespace PolicyGradient.Distributed;

/// <summary>
/// A worker's last slice as the learner saw it (for <c>pg cluster status</c>): <see cref="StepsPerSecond"/>
/// is end to end (request sent or previous slice arrived → slice arrived at the learner: weights,
/// stepping and both messages), <see cref="EnvStepsPerSecond"/> the worker's stepping alone.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WorkerStatus(
    [property: Id(0)] string Worker, [property: Id(1)] string Silo, [property: Id(2)] long PolicyVersion,
    [property: Id(3)] double StepsPerSecond, [property: Id(4)] DateTime ReportedUtc)
{
    /// <summary>Env steps per second of the worker's stepping and forward passes alone (no messaging); 0 if unknown.</summary>
    [Id(5)] public double EnvStepsPerSecond { get; init; }

    /// <summary>What the rates count: "steps" (env steps of a rollout worker) or "tokens" (tokens a language worker generated; its rate is sampling alone).</summary>
    [Id(6)] public string Unit { get; init; } = "steps";
}

/// <summary>
/// The cluster's list of rollout workers: the learner reports each worker after every slice it
/// receives (one-way, so a rollout never waits for it); a worker leaves when stopped. One activation per cluster (key 0); if its
/// silo dies it restarts empty elsewhere and fills again with the next reports.
/// </summary>
public interface IWorkerDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Records a worker's latest state.</summary>
    [OneWay] Task Report(WorkerStatus status);

    /// <summary>Forgets a stopped worker.</summary>
    [OneWay] Task Remove(string worker);

    /// <summary>Every worker reported, by id.</summary>
    Task<WorkerStatus[]> List();
}

internal sealed class WorkerDirectoryGrain : Grain, IWorkerDirectoryGrain
{
    readonly Dictionary<string, WorkerStatus> _workers = new(StringComparer.Ordinal);

    public Task Report(WorkerStatus status)
    {
        _workers[status.Worker] = status;
        return Task.CompletedTask;
    }

    public Task Remove(string worker)
    {
        _workers.Remove(worker);
        return Task.CompletedTask;
    }

    public Task<WorkerStatus[]> List() => Task.FromResult(_workers.Values.OrderBy(w => w.Worker, StringComparer.Ordinal).ToArray());
}

/// <summary>
/// The handshake of a learner or `pg cluster status` with the silo its call reaches (a stateless
/// worker: it runs on that gateway silo): the silo's protocol version and identity.
/// </summary>
public interface IProtocolGrain : IGrainWithIntegerKey
{
    /// <summary>This silo's <see cref="DistributedProtocol.Version"/>.</summary>
    Task<string> Protocol();
}

[StatelessWorker]
internal sealed class ProtocolGrain : Grain, IProtocolGrain
{
    public Task<string> Protocol() => Task.FromResult(DistributedProtocol.Version);
}
