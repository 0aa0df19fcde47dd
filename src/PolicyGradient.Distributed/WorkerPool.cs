namespace PolicyGradient.Distributed;

/// <summary>
/// A run's worker grains, and what it takes to replace one: when a worker's silo dies (kill -9), the
/// learner's call fails once Orleans' failure detection declares the silo dead (seconds on loopback,
/// <see cref="ClusterSilo"/>), and <see cref="Recreate"/> starts worker p again under a new key, which
/// Orleans places on a silo that is alive. The new worker's env copies are re-seeded (seed + 7919 ·
/// generation): the lost copies' state died with the silo, so a run that lost a worker is no longer
/// bit-exact with the local one from that iteration on (docs/distributed.md, "Fault handling").
/// </summary>
internal sealed class WorkerPool
{
    /// <summary>Replacements allowed per run before the failure is the run's error.</summary>
    public const int MaxRecreations = 8;

    readonly IGrainFactory _grains;
    readonly string _runId;
    readonly WorkerSetup _setup;
    readonly IRolloutWorkerGrain[] _workers;
    readonly int[] _generation;
    readonly object _lock = new();
    readonly Action<string> _notice;
    int _recreations;

    public WorkerPool(IGrainFactory grains, string runId, WorkerSetup setup, int count, Action<string>? notice = null)
    {
        (_grains, _runId, _setup) = (grains, runId, setup);
        _workers = Enumerable.Range(0, count).Select(p => grains.GetGrain<IRolloutWorkerGrain>($"{runId}/{p}")).ToArray();
        _generation = new int[count];
        _notice = notice ?? (line => Console.Error.WriteLine("pg: " + line));
    }

    /// <summary>Workers.</summary>
    public int Count => _workers.Length;

    /// <summary>Worker p's current grain.</summary>
    public IRolloutWorkerGrain this[int p] { get { lock (_lock) return _workers[p]; } }

    /// <summary>How many times worker p was replaced.</summary>
    public int Generation(int p) { lock (_lock) return _generation[p]; }

    /// <summary>All workers, in order.</summary>
    public IReadOnlyList<IRolloutWorkerGrain> All { get { lock (_lock) return _workers.ToArray(); } }

    WorkerSetup SetupFor(int p, int generation) =>
        _setup with { First = p * _setup.Count, Seed = _setup.Seed + 7919L * generation };

    /// <summary>Starts every worker.</summary>
    public IReadOnlyList<WorkerInfo> StartAll() =>
        Task.WhenAll(_workers.Select((g, p) => g.Start(SetupFor(p, 0)))).GetAwaiter().GetResult();

    /// <summary>
    /// Replaces worker p (of <paramref name="generation"/>, as the caller saw it) after <paramref name="cause"/>;
    /// returns false when another caller already replaced that generation. A replacement whose start
    /// fails (Orleans may still place it on the dying silo) is replaced again a second later.
    /// </summary>
    /// <exception cref="InvalidOperationException">Too many replacements in this run.</exception>
    public bool Recreate(int p, int generation, Exception cause)
    {
        lock (_lock)
            if (_generation[p] != generation) return false;
        while (true)
        {
            int next;
            IRolloutWorkerGrain grain;
            lock (_lock)
            {
                if (++_recreations > MaxRecreations)
                    throw new InvalidOperationException($"rollout worker {p} failed and {MaxRecreations} workers were already replaced in this run ({cause.GetType().Name}: {FirstLine(cause.Message)}); check the silos", cause);
                next = ++_generation[p];
                grain = _workers[p] = _grains.GetGrain<IRolloutWorkerGrain>($"{_runId}/{p}.{next}");
            }
            try
            {
                var started = grain.Start(SetupFor(p, next)).GetAwaiter().GetResult();
                _notice($"rollout worker {p} lost ({cause.GetType().Name}: {FirstLine(cause.Message)}); re-created on {started.Silo} with re-seeded env copies");
                return true;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                cause = e;
                Thread.Sleep(1000);
            }
        }
    }

    static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
