using PolicyGradient.Algorithms.OnPolicy.Partitions;

namespace PolicyGradient.Distributed;

/// <summary>
/// The grain around a <see cref="RolloutPartitionWorker"/> (the Orleans-free partition in the core
/// library): Orleans runs one call at a time per activation, so the worker needs no lock.
/// </summary>
// The learner names each worker's silo with a placement hint (WorkerPlacement); random placement
// honours it and is the fallback when the hinted silo is gone.
[Orleans.Placement.RandomPlacement]
internal sealed class RolloutWorkerGrain : Grain, IRolloutWorkerGrain
{
    RolloutPartitionWorker? _worker;

    /// <summary>
    /// The last sync request's version and slice. A sync request can arrive twice: the learner sends a call again
    /// when a silo died while it was out (WorkerPool.Guard), and the first copy may still be delivered late (through
    /// a gateway that was only paused). Stepping the env copies twice would skip T steps of their episodes; the
    /// copy gets the slice already computed (same θ, same noise, so the same slice).
    /// </summary>
    (long Version, RolloutSlice Slice)? _lastSync;

    public Task<WorkerInfo> Start(WorkerSetup setup)
    {
        if (setup.Protocol != DistributedProtocol.Version)
            throw new InvalidOperationException($"version mismatch: the learner runs PolicyGradient.Distributed {setup.Protocol}, this silo runs {DistributedProtocol.Version}; run the same pg build on every machine");
        _worker?.Dispose();
        _lastSync = null;
        _worker = new RolloutPartitionWorker(setup.EnvId, EnvKwargsText.Read(setup.EnvKwargs), setup.Seed, setup.First, setup.Count, setup.Layout.ToLayout());
        return Task.FromResult(new WorkerInfo(RuntimeIdentity, DistributedProtocol.Version));
    }

    public Task<RolloutSlice> Rollout(RolloutRequest request)
    {
        var worker = Worker();
        bool sync = request.Noise.Length > 0;   // a sync request's version is the learner's update count: one request per version
        if (sync && _lastSync is { } last && last.Version == request.Version) return Task.FromResult(last.Slice);
        if (request.Weights.Length > 0) worker.SetWeights(request.Weights, request.Version);
        else if (worker.Version < 0) throw new InvalidOperationException($"worker {this.GetPrimaryKeyString()} has no weights yet; the learner sends them with its first request");
        // Async: no noise from the learner, the worker draws its own; the slice carries the version that acted.
        var noise = request.Noise.Length > 0 ? request.Noise : worker.DrawNoise(request.Steps);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        var slice = RolloutSlice.From(worker.Run(noise, request.Steps));
        // The learner reports the worker's end-to-end rate and this stepping time (WorkerThroughput).
        slice = slice with { ComputeSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds };
        if (sync) _lastSync = (request.Version, slice);
        return Task.FromResult(slice);
    }

    public Task<byte[]> SaveState() => Task.FromResult(Worker().SaveState());

    public Task LoadState(byte[] state)
    {
        Worker().LoadState(state);
        _lastSync = null;
        return Task.CompletedTask;
    }

    IWorkerDirectoryGrain Directory => GrainFactory.GetGrain<IWorkerDirectoryGrain>(0);

    public Task Stop()
    {
        if (_worker is not null) _ = Directory.Remove(this.GetPrimaryKeyString());
        _worker?.Dispose();
        (_worker, _lastSync) = (null, null);
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    RolloutPartitionWorker Worker() => _worker
        ?? throw new InvalidOperationException($"worker {this.GetPrimaryKeyString()} was not started (its silo may have restarted); start the run again");

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _worker?.Dispose();
        _worker = null;
        return Task.CompletedTask;
    }
}
