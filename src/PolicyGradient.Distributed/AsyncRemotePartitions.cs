using System.Collections.Concurrent;
using PolicyGradient.Algorithms.OnPolicy.Partitions;

namespace PolicyGradient.Distributed;

/// <summary>
/// The learner's rollout partitions on a cluster in async mode (IMPALA-style; docs/distributed.md):
/// every worker always has <see cref="InFlight"/> requests queued, so it starts its next slice the
/// moment it finishes one and never waits for the learner's update. Each request carries the newest
/// published version; the weight blob travels only when that version is new to the worker. Finished
/// slices land in a queue the learner takes from in arrival order; a worker's failure lands there too
/// and is thrown by <see cref="Take"/>. Backpressure: when <see cref="Capacity"/> batch's worth of
/// slices wait untaken (the learner is the bottleneck), a worker that finishes is parked instead of
/// starting another slice that could only grow stale and be dropped; the learner's next Take restarts it.
/// </summary>
internal sealed class AsyncRemotePartitions : IAsyncRolloutPartitions
{
    /// <summary>Requests queued per worker: one running, one waiting (Orleans runs a grain's calls one at a time).</summary>
    public const int InFlight = 2;

    /// <summary>Batches (of one slice per worker) that may wait untaken before finishing workers park.</summary>
    public const int Capacity = 1;

    readonly WorkerPool _workers;
    readonly RemotePartitions _sync;
    readonly BlockingCollection<(RolloutSlice? Slice, Exception? Error)> _arrived = new();
    readonly long[] _sentVersion;
    readonly Queue<int> _parked = new();
    readonly object _lock = new();
    long _version = -1;
    float[] _theta = [];
    int _steps;
    bool _started, _stopping;

    public AsyncRemotePartitions(WorkerPool workers)
    {
        _workers = workers;
        // A checkpoint that finds a worker's silo dead re-creates it (RemotePartitions.SaveState): restart its requests.
        _sync = new RemotePartitions(workers, p => { for (int i = 0; i < InFlight; i++) Request(p, withWeights: true); });
        _sentVersion = Enumerable.Repeat(-1L, workers.Count).ToArray();
    }

    public int Count => _workers.Count;

    public IReadOnlyList<PartitionRollout> Collect(long version, float[] theta, IReadOnlyList<float[]> noise, int steps) =>
        throw new NotSupportedException("async partitions hand out slices one at a time (Publish, Take)");

    public void Publish(long version, float[] theta, int steps)
    {
        lock (_lock)
        {
            (_version, _theta, _steps) = (version, theta, steps);
            if (_started) return;
            _started = true;
        }
        for (int p = 0; p < _workers.Count; p++)
            for (int i = 0; i < InFlight; i++) Request(p, withWeights: true); // every first request carries θ: no worker acts without weights
    }

    void Request(int p, bool withWeights = false)
    {
        RolloutRequest request;
        int generation = _workers.Generation(p);
        lock (_lock)
        {
            if (_stopping || !_started) return; // before the first Publish (a worker re-created while loading a checkpoint): Publish starts it
            bool fresh = withWeights || _sentVersion[p] != _version;
            request = new RolloutRequest { Version = _version, Weights = fresh ? _theta : [], Steps = _steps };
            _sentVersion[p] = _version;
        }
        long sent = System.Diagnostics.Stopwatch.GetTimestamp();
        _workers.Guard(p, "Rollout", w => w.Rollout(request)).ContinueWith(t =>
        {
            if (!t.IsCompletedSuccessfully && !Volatile.Read(ref _stopping))
            {
                Replace(p, generation, t.Exception?.GetBaseException() ?? new OperationCanceledException($"worker {p}'s rollout was cancelled"));
                return;
            }
            if (t.IsCompletedSuccessfully)
            {
                _workers.Arrived(p, t.Result, sent);
                Deliver((t.Result, null));
                bool full;
                lock (_lock)
                {
                    full = _arrived.Count >= Capacity * _workers.Count;
                    if (full) _parked.Enqueue(p);
                }
                if (!full) Request(p);
            }
        }, TaskScheduler.Default);
    }

    /// <summary>
    /// Worker p's call failed (its silo died): the first failure of its generation re-creates it on a
    /// live silo and restarts its requests with θ; the slice it was computing is simply never
    /// delivered, so nothing is counted twice. When replacements run out, Take throws the failure.
    /// </summary>
    void Replace(int p, int generation, Exception cause)
    {
        try
        {
            if (!_workers.Recreate(p, generation, cause)) return; // its other request already replaced it
        }
        catch (Exception e) when (e is not OutOfMemoryException) { Deliver((null, e)); return; }
        for (int i = 0; i < InFlight; i++) Request(p, withWeights: true);
    }

    void Deliver((RolloutSlice?, Exception?) item)
    {
        lock (_lock)
            if (!_stopping) _arrived.Add(item);
    }

    public PartitionRollout Take()
    {
        var (slice, error) = _arrived.Take();
        int? resume = null;
        lock (_lock)
            if (_parked.Count > 0 && _arrived.Count < Capacity * _workers.Count) resume = _parked.Dequeue();
        if (resume is int p) Request(p);
        if (error is not null) throw error as ClusterFailedException ?? new ClusterFailedException($"a rollout worker failed: {error.Message}", error);
        return slice!.ToPartition();
    }

    public void SaveState(BinaryWriter writer) => _sync.SaveState(writer);

    public void LoadState(BinaryReader reader) => _sync.LoadState(reader);

    public void Dispose()
    {
        lock (_lock) _stopping = true;
        _sync.Dispose();
        _arrived.Dispose();
    }
}
