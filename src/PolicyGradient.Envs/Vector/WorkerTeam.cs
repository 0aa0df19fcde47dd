using System.Runtime.ExceptionServices;

namespace PolicyGradient.Environments.Vector;

/// <summary>
/// Runs one piece of work per partition on P threads: the caller runs partition 0, P − 1 dedicated
/// background threads run the others. Hand-over uses <see cref="ManualResetEventSlim"/>, which
/// spins briefly before blocking: a step of a small env takes microseconds, far less than waking a
/// sleeping thread, while a blocked idle worker costs no CPU. The first exception of any partition
/// is rethrown on the caller with its original type after every partition has finished.
/// </summary>
internal sealed class WorkerTeam : IDisposable
{
    readonly Action<int> _work;
    readonly Thread[] _workers;           // worker w runs partition w + 1
    readonly ManualResetEventSlim[] _go;
    readonly ManualResetEventSlim[] _done;
    readonly Exception?[] _errors;
    volatile bool _stopping;
    bool _disposed;

    internal WorkerTeam(int partitions, int spinCount, Action<int> work, string name)
    {
        if (partitions <= 0) throw new ArgumentOutOfRangeException(nameof(partitions), partitions, "need at least one partition");
        if (spinCount < 0) throw new ArgumentOutOfRangeException(nameof(spinCount), spinCount, "spinCount must be >= 0");
        _work = work;
        int n = partitions - 1;
        _workers = new Thread[n];
        _go = new ManualResetEventSlim[n];
        _done = new ManualResetEventSlim[n];
        _errors = new Exception?[n];
        for (int w = 0; w < n; w++)
        {
            _go[w] = new ManualResetEventSlim(false, spinCount);
            _done[w] = new ManualResetEventSlim(false, spinCount);
            int index = w;
            _workers[w] = new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = $"{name} worker {w + 1}" };
            _workers[w].Start();
        }
    }

    internal int Partitions => _workers.Length + 1;

    /// <summary>Runs every partition and waits for all of them.</summary>
    internal void Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (int w = 0; w < _go.Length; w++) _go[w].Set();
        Exception? error = null;
        try { _work(0); }
        catch (Exception ex) { error = ex; }
        for (int w = 0; w < _done.Length; w++)
        {
            _done[w].Wait();
            _done[w].Reset();
            if (_errors[w] is { } e) { error ??= e; _errors[w] = null; }
        }
        if (error is not null) ExceptionDispatchInfo.Throw(error);
    }

    void WorkerLoop(int w)
    {
        while (true)
        {
            _go[w].Wait();
            _go[w].Reset();
            if (_stopping) return;
            try { _work(w + 1); }
            catch (Exception ex) { _errors[w] = ex; }
            _done[w].Set();
        }
    }

    /// <summary>Splits [0, count) into <paramref name="parts"/> contiguous ranges; range p is [b[p], b[p + 1]).</summary>
    internal static int[] Bounds(int count, int parts)
    {
        var b = new int[parts + 1];
        for (int p = 0; p <= parts; p++) b[p] = (int)((long)p * count / parts);
        return b;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stopping = true;
        foreach (var g in _go) g.Set();
        foreach (var t in _workers) t.Join();
        foreach (var e in _go) e.Dispose();
        foreach (var e in _done) e.Dispose();
    }
}
