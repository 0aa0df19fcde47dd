using System.Collections.Concurrent;
using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Training;
using PolicyGradient.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Distributed;

/// <summary>
/// The group trainer's completions from language workers, async mode (IMPALA-style; docs/distributed.md):
/// every worker always has <see cref="InFlight"/> requests queued and samples prompts_per_step / workers
/// prompts of its own seeded stream per slice with the newest weights it was sent, never waiting for
/// the update. Each step the learner publishes θ with its version and takes slices in arrival order
/// until it has prompts_per_step prompts; a slice more than max_policy_lag versions old is dropped and
/// counted. The batch is corrected for staleness: π_old of the update is the learner's current policy
/// (re-evaluated in one forward), and each token's advantage is multiplied by the truncated importance
/// weight w = min(π_old/μ, tis_cap) of the worker's sampler μ (<see cref="TruncatedImportanceWeights"/>).
/// Backpressure: when a batch's worth of slices waits untaken, a finishing worker is parked until the next take.
/// </summary>
internal sealed class LanguageAsyncSource : IGroupSource
{
    /// <summary>Requests queued per worker: one running, one waiting (Orleans runs a grain's calls one at a time).</summary>
    public const int InFlight = 2;

    readonly WorkerPool _pool;
    readonly IGrainFactory _grains;
    readonly int _maxLag;
    readonly double _cap;
    readonly BlockingCollection<(LanguageSlice? Slice, Exception? Error)> _arrived = new();
    readonly Queue<int> _parked = new();
    readonly long[] _sentVersion;
    readonly object _lock = new();
    readonly Dictionary<string, double> _metrics = [];
    LanguageRequest _template = new();
    float[] _theta = [];
    bool _started, _stopping;

    public LanguageAsyncSource(WorkerPool pool, IGrainFactory grains, int maxPolicyLag, double tisCap)
    {
        (_pool, _grains, _maxLag, _cap) = (pool, grains, maxPolicyLag, tisCap);
        _sentVersion = Enumerable.Repeat(-1L, pool.Count).ToArray();
    }

    public IReadOnlyDictionary<string, double> Metrics => _metrics;

    public GroupDraw Draw(GroupDrawContext c)
    {
        Publish(c);
        var kept = new List<LanguageSlice>();
        int prompts = 0, dropped = 0;
        while (prompts < c.Prompts)
        {
            var slice = Take();
            if (c.Version - slice.Version > _maxLag) { dropped++; continue; }   // too stale: dropped, counted, never learned from
            kept.Add(slice);
            prompts += slice.Rows / c.GroupSize;
        }
        var lags = kept.Select(s => (double)(c.Version - s.Version)).ToArray();
        _metrics["workers"] = _pool.Count;
        _metrics["policy_lag_mean"] = lags.Average();
        _metrics["policy_lag_max"] = lags.Max();
        _metrics["dropped_batches"] = dropped;
        return Corrected(c, kept);
    }

    /// <summary>π_old = the current policy's log-probs; weights min(π_old/μ, cap) on the response tokens.</summary>
    GroupDraw Corrected(GroupDrawContext c, List<LanguageSlice> slices)
    {
        var samples = LanguageSlices.Samples(slices);
        var (prompt, promptMask) = TaskBatch.Prompts(samples, c.Tokenizer, c.Device);
        var tokens = LanguageSlices.Tokens(slices, c.Device);
        var mask = LanguageSlices.Mask(slices, c.Device);
        var behaviour = LanguageSlices.LogProbs(slices, c.Device);
        Tensor current;
        using (torch.no_grad())
        {
            c.Policy.eval();
            current = SequenceLogProbs.Compute(c.Policy, prompt, promptMask, tokens, mask, c.Sampling.LogProbTemperature).LogProbs;
        }
        var weights = TruncatedImportanceWeights.Compute(current, behaviour, _cap).mul(mask);
        _metrics["importance_weight_mean"] = weights.sum().item<float>() / Math.Max(1.0, mask.sum().item<float>());
        return new GroupDraw(samples, prompt, promptMask, new GenerationResult(prompt, promptMask, tokens, mask, current), weights);
    }

    void Publish(GroupDrawContext c)
    {
        var theta = WeightBlob.Read(c.Policy);
        bool start;
        lock (_lock)
        {
            _theta = theta;
            _template = new LanguageRequest
            {
                Version = c.Version, Temperature = c.Sampling.Temperature, MaxNewTokens = c.Sampling.MaxNewTokens, StopStrings = [.. c.Sampling.StopStrings],
                Prompts = c.Prompts / _pool.Count, GroupSize = c.GroupSize,
            };
            start = !_started;
            _started = true;
        }
        if (start)
            for (int p = 0; p < _pool.Count; p++)
                for (int i = 0; i < InFlight; i++) Request(p, withWeights: true);   // no worker samples without weights
    }

    void Request(int p, bool withWeights = false)
    {
        LanguageRequest request;
        int generation = _pool.Generation(p);
        lock (_lock)
        {
            if (_stopping) return;
            bool fresh = withWeights || _sentVersion[p] != _template.Version;
            request = _template with { Weights = fresh ? _theta : [] };
            _sentVersion[p] = _template.Version;
        }
        _pool.Guard(p, "Generate", w => _grains.GetGrain<ILanguageWorkerGrain>(w.GetPrimaryKeyString()).Generate(request)).ContinueWith(t =>
        {
            if (!t.IsCompletedSuccessfully)
            {
                if (!Volatile.Read(ref _stopping)) Replace(p, generation, t.Exception?.GetBaseException() ?? new OperationCanceledException($"worker {p}'s request was cancelled"));
                return;
            }
            Deliver((t.Result, null));
            bool full;
            lock (_lock)
            {
                full = _arrived.Count >= _pool.Count;   // one batch's worth waits untaken: park
                if (full) _parked.Enqueue(p);
            }
            if (!full) Request(p);
        }, TaskScheduler.Default);
    }

    /// <summary>Worker p failed (its silo died): re-created on a live silo, its requests restarted with θ; the slice it was sampling is never delivered.</summary>
    void Replace(int p, int generation, Exception cause)
    {
        try
        {
            if (!_pool.Recreate(p, generation, cause)) return;   // its other request already replaced it
        }
        catch (Exception e) when (e is not OutOfMemoryException) { Deliver((null, e)); return; }
        for (int i = 0; i < InFlight; i++) Request(p, withWeights: true);
    }

    void Deliver((LanguageSlice?, Exception?) item)
    {
        lock (_lock)
            if (!_stopping) _arrived.Add(item);
    }

    LanguageSlice Take()
    {
        var (slice, error) = _arrived.Take();
        int? resume = null;
        lock (_lock)
            if (_parked.Count > 0 && _arrived.Count < _pool.Count) resume = _parked.Dequeue();
        if (resume is int p) Request(p);
        if (error is not null) throw error as ClusterFailedException ?? new ClusterFailedException($"a language rollout worker failed: {error.Message}", error);
        return slice!;
    }

    public void Dispose()
    {
        lock (_lock) _stopping = true;
        LanguageClusterSource.Stop(_pool, _grains);
        _arrived.Dispose();
    }
}
