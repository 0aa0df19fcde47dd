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

    /// <summary>
    /// Membership silence after which the cluster counts as lost: every pending call fails and no worker
    /// is re-created. With development clustering the primary silo holds the membership, so when it dies
    /// no silo is ever declared dead and a rollout on it would wait for the 10-minute response timeout.
    /// </summary>
    public static readonly TimeSpan MembershipLostAfter = TimeSpan.FromSeconds(30);

    readonly IGrainFactory _grains;
    readonly string _runId;
    readonly WorkerSetup _setup;
    readonly IRolloutWorkerGrain[] _workers;
    readonly int[] _generation;
    readonly object _lock = new();
    readonly Action<string> _notice;
    readonly string[] _silo;
    readonly TaskCompletionSource[] _lost;
    readonly CancellationTokenSource _stop = new();
    readonly WorkerThroughput _throughput;
    readonly WorkerCallLimits _limits = new();
    TaskCompletionSource _deathSeen = NewLost();
    readonly HashSet<string> _dead = new(StringComparer.Ordinal);   // silos the membership declared dead (final in Orleans), under _lock
    long _lastDeath;   // when the watch last saw a silo declared dead (Stopwatch timestamp; 0: never), under _lock
    readonly LiveGatewayList? _gateways;   // the learner's gateway list (static gateways only), told which gateways died
    int _recreations;
    volatile bool _membershipLost;

    /// <summary>Starts worker p of a generation under the grain key given; null: <see cref="IRolloutWorkerGrain.Start"/> with the env setup.</summary>
    readonly Func<string, int, int, Task<WorkerInfo>>? _start;

    public WorkerPool(IGrainFactory grains, string runId, WorkerSetup setup, int count, Action<string>? notice = null,
        Func<string, int, int, Task<WorkerInfo>>? start = null)
    {
        (_grains, _runId, _setup, _start) = (grains, runId, setup, start);
        _workers = Enumerable.Range(0, count).Select(p => grains.GetGrain<IRolloutWorkerGrain>($"{runId}/{p}")).ToArray();
        _generation = new int[count];
        _silo = new string[count];
        _lost = Enumerable.Range(0, count).Select(_ => NewLost()).ToArray();
        _notice = notice ?? (line => Console.Error.WriteLine("pg: " + line));
        _throughput = new WorkerThroughput(grains, count);
        _gateways = (grains as IClusterClient)?.ServiceProvider.GetService(typeof(LiveGatewayList)) as LiveGatewayList;
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

    /// <summary>Starts every worker, spread round robin over the active silos (<see cref="WorkerPlacement"/>), and the watch on their silos.</summary>
    public IReadOnlyList<WorkerInfo> StartAll()
    {
        var silos = WorkerPlacement.ActiveSilos(_grains);
        var started = Task.WhenAll(_workers.Select((g, p) => WorkerPlacement.On(WorkerPlacement.Initial(silos, p), () => Start(g, p, 0))))
            .GetAwaiter().GetResult();
        lock (_lock)
            for (int p = 0; p < started.Length; p++) _silo[p] = started[p].Silo;
        _ = Task.Run(WatchSilos);
        return started;
    }

    // Language workers (LanguageClusterSource) are other grains under the same keys: the pool starts them through _start.
    Task<WorkerInfo> Start(IRolloutWorkerGrain grain, int p, int generation) =>
        _start?.Invoke(grain.GetPrimaryKeyString(), p, generation) ?? grain.Start(SetupFor(p, generation));

    static readonly Task Never = new TaskCompletionSource().Task;

    static TaskCompletionSource NewLost() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// <paramref name="call"/> to worker p, bounded (<see cref="WorkerCallLimits"/>): a
    /// <see cref="WorkerLostException"/> as soon as the cluster's membership declares p's silo dead, or
    /// when the call has not answered within <see cref="WorkerCallLimits.Limit"/>. A learner is an
    /// Orleans client: a request that a gateway forwarded to a silo that then died is not failed by the
    /// runtime before the response timeout (minutes), so the pool watches the membership itself. And a
    /// request or answer that went through the gateway of a silo that died is lost without an error even
    /// when p runs on a live silo (issue 12: the learner hung on such a rollout), so a call that was out
    /// when any silo was declared dead is sent to p again after <see cref="WorkerCallLimits.Grace"/>; the
    /// first answer counts. Sending again is safe for every worker call: a rollout the learner never
    /// received is never counted, and env state, weights and noise make the second one as valid.
    /// </summary>
    public async Task<T> Guard<T>(int p, string what, Func<IRolloutWorkerGrain, Task<T>> call)
    {
        Task lost, death;
        IRolloutWorkerGrain grain;
        string silo;
        lock (_lock) (lost, death, grain, silo) = (_lost[p].Task, _deathSeen.Task, _workers[p], _silo[p] ?? "?");
        using var pending = PendingWorkerCalls.Track(what, grain.GetPrimaryKeyString(), silo);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        var (limit, grace) = (_limits.Limit, _limits.Grace);
        var attempts = new List<Task<T>> { call(grain) };
        using var timers = new CancellationTokenSource();
        Task deadline = Task.Delay(limit, timers.Token), resend = death;
        while (true)
        {
            var done = await Task.WhenAny([.. attempts, lost, deadline, resend]);
            if (done is Task<T> answer && attempts.Contains(answer))
            {
                timers.Cancel();
                Observe(attempts.Where(a => a != answer));
                if (answer.IsCompletedSuccessfully && answer == attempts[0]) _limits.Answered(System.Diagnostics.Stopwatch.GetElapsedTime(start));
                return await answer;
            }
            if (done == resend && resend == death) resend = Task.Delay(grace, timers.Token); // a silo died while this call was out: wait a little, then send again
            else if (done == resend)
            {
                _notice($"rollout worker {p}'s {what} was out when a silo died and has not answered {grace.TotalSeconds:0} s later (it may have gone through that silo's gateway): sent again");
                attempts.Add(call(grain));
                resend = Never;
            }
            else
            {
                timers.Cancel();
                Observe(attempts);
                throw new WorkerLostException(done == deadline
                    ? $"rollout worker {p}'s {what} did not answer in {limit.TotalSeconds:0} s ({WorkerCallLimits.Factor:0} times the slowest recent call, at least {WorkerCallLimits.Floor.TotalSeconds:0} s)"
                    : _membershipLost
                    ? $"the cluster's membership has not answered for {MembershipLostAfter.TotalSeconds:0} s (rollout worker {p} ran on {silo})"
                    : $"the silo of rollout worker {p} ({silo}) was declared dead by the cluster");
            }
        }
    }

    /// <summary>Orphaned calls fail or answer later: their exceptions are observed, their answers dropped.</summary>
    static void Observe<T>(IEnumerable<Task<T>> calls)
    {
        foreach (var c in calls) _ = c.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
    }

    /// <summary>
    /// Polls the membership every second (<see cref="MembershipReads"/>: several routes, so a frozen gateway cannot
    /// hold the watch up); a dead silo's workers are lost. Dead is final in Orleans' membership, so the silos seen
    /// dead accumulate: an answer from a silo that has not caught up yet (a paused silo just resumed) revives none.
    /// </summary>
    async Task WatchSilos()
    {
        long lastRead = System.Diagnostics.Stopwatch.GetTimestamp();
        bool first = true; // the first read's dead silos died before this run
        while (!_stop.IsCancellationRequested)
        {
            if (System.Diagnostics.Stopwatch.GetElapsedTime(lastRead) > MembershipLostAfter) LoseAll();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token);
                var entries = await MembershipReads.Entries(_grains, WorkerPlacement.MembershipTimeout, _stop.Token);
                lastRead = System.Diagnostics.Stopwatch.GetTimestamp();
                string[] newlyDead;
                var dead = entries.Where(e => e.Status == SiloStatus.Dead).Select(e => e.SiloAddress.ToString()).ToHashSet(StringComparer.Ordinal);
                _gateways?.Update(Gateways(entries, dead: true), Gateways(entries, dead: false));
                lock (_lock)
                {
                    // A newly dead silo (any, also one without workers: its gateway may have carried calls) makes the calls out now suspect (Guard).
                    newlyDead = first ? [] : dead.Except(_dead).ToArray();
                    first = false;
                    _dead.UnionWith(dead);
                    for (int p = 0; p < _silo.Length; p++)
                        if (_silo[p] is { } silo && _dead.Contains(silo)) _lost[p].TrySetResult();
                    if (newlyDead.Length > 0)
                    {
                        var seen = _deathSeen;
                        _deathSeen = NewLost();
                        _lastDeath = System.Diagnostics.Stopwatch.GetTimestamp();
                        seen.TrySetResult();
                    }
                }
                foreach (var silo in newlyDead) _notice($"silo {silo} was declared dead by the cluster");
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested) { return; }
            catch (Exception e) when (e is not OutOfMemoryException) { } // the membership could not be read this second: try again
        }
    }

    static IEnumerable<System.Net.IPEndPoint> Gateways(MembershipEntry[] entries, bool dead) =>
        entries.Where(e => (e.Status == SiloStatus.Dead) == dead && e.ProxyPort > 0).Select(e => new System.Net.IPEndPoint(e.SiloAddress.Endpoint.Address, e.ProxyPort));

    /// <summary>The membership has not answered for <see cref="MembershipLostAfter"/>: fails every worker's pending and future calls.</summary>
    void LoseAll()
    {
        _membershipLost = true;
        lock (_lock)
            foreach (var lost in _lost) lost.TrySetResult();
    }

    /// <summary>Worker p's slice arrived for a request sent at <paramref name="sentTimestamp"/>: reports its end-to-end rate (<see cref="WorkerThroughput"/>).</summary>
    public void Arrived(int p, RolloutSlice slice, long sentTimestamp)
    {
        IRolloutWorkerGrain grain;
        string silo;
        lock (_lock) (grain, silo) = (_workers[p], _silo[p]);
        _throughput.Arrived(p, grain.GetPrimaryKeyString(), silo, slice, sentTimestamp);
    }

    /// <summary>Stops the watch.</summary>
    public void StopWatching() => _stop.Cancel();

    /// <summary>
    /// Replaces worker p (of <paramref name="generation"/>, as the caller saw it) after <paramref name="cause"/>;
    /// returns false when another caller already replaced that generation. A replacement whose start
    /// fails (Orleans may still place it on the dying silo) is replaced again a second later.
    /// </summary>
    /// <exception cref="ClusterFailedException">Too many replacements in this run, or the membership is lost.</exception>
    public bool Recreate(int p, int generation, Exception cause)
    {
        lock (_lock)
            if (_generation[p] != generation) return false;
        if (_membershipLost)
            throw new ClusterFailedException($"the cluster's membership has not answered for {MembershipLostAfter.TotalSeconds:0} s, so rollout worker {p} cannot be replaced (with development clustering the primary silo holds it: if it died, start the cluster again and continue with pg resume)", cause);
        while (true)
        {
            int next;
            IRolloutWorkerGrain grain, old;
            lock (_lock)
            {
                if (++_recreations > MaxRecreations)
                    throw new ClusterFailedException($"rollout worker {p} failed and {MaxRecreations} workers were already replaced in this run ({cause.GetType().Name}: {FirstLine(cause.Message)}); check the silos", cause);
                next = ++_generation[p];
                old = _workers[p];
                grain = _workers[p] = _grains.GetGrain<IRolloutWorkerGrain>($"{_runId}/{p}.{next}");
            }
            // Best effort: a replaced worker that still runs (its call was lost, not its silo) frees its env copies; no request goes to it again.
            _ = old.Stop().ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
            try
            {
                AwaitGatewayList();
                var active = WorkerPlacement.ActiveSilos(_grains);
                string?[] others;
                lock (_lock)
                {
                    others = _silo.Where((_, q) => q != p).ToArray();
                    active = active.Where(a => !_dead.Contains(a.ToString())).ToArray();   // an answer that has not caught up yet
                }
                var target = WorkerPlacement.LeastUsed(active, others);
                WorkerInfo started;
                using (PendingWorkerCalls.Track("Start", grain.GetPrimaryKeyString(), target?.ToString() ?? "?"))
                    started = WorkerPlacement.On(target, () => Start(grain, p, next)).WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
                lock (_lock)
                {
                    _silo[p] = started.Silo;
                    _lost[p] = NewLost();
                }
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

    /// <summary>
    /// Right after a silo was declared dead, waits until the client has read the gateway list without that silo's
    /// gateway (<see cref="LiveGatewayList.Settled"/>): a replacement's first call would otherwise be routed through
    /// the dead silo's gateway, which a paused silo keeps open (measured: a Start that waited 21 s, until SIGCONT).
    /// </summary>
    void AwaitGatewayList()
    {
        long death;
        lock (_lock) death = _lastDeath;
        if (_gateways is null || death == 0) return;
        var left = LiveGatewayList.Settled - System.Diagnostics.Stopwatch.GetElapsedTime(death);
        if (left > TimeSpan.Zero) Thread.Sleep(left);
    }

    static string FirstLine(string s) => s.Split('\n')[0].Trim();
}

/// <summary>
/// The cluster can no longer run this learner's rollouts (workers replaced too often, or the membership
/// silent); the message says what happened and what to do. pg reports it as "run failed" (exit 1), one line.
/// </summary>
public sealed class ClusterFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A rollout worker's silo was declared dead; the pool re-creates the worker.</summary>
public sealed class WorkerLostException(string message) : Exception(message);
