using System.Runtime.ExceptionServices;
using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.Vector;

/// <summary>
/// Steps N copies on several threads: the copies are split into contiguous ranges, one per
/// thread, and the calling thread steps the first range itself while dedicated worker threads step
/// the others. Each call hands work over with a spin-then-block event (spin briefly for the
/// microsecond-scale steps of small envs such as CartPole, then sleep so idle workers cost no CPU).
/// Every copy is stepped by the same code as <see cref="SyncVectorEnv"/>, so the results are
/// bit-identical to it for the same seeds and actions.
/// </summary>
public sealed class ThreadedVectorEnv : IVectorEnv, IStatefulEnv
{
    readonly EnvBatch _batch;
    readonly int[] _bounds;               // range p is [_bounds[p], _bounds[p + 1])
    readonly Thread[] _workers;           // worker w steps range w + 1
    readonly ManualResetEventSlim[] _go;
    readonly ManualResetEventSlim[] _done;
    readonly Exception?[] _errors;
    readonly float[] _actions;
    bool _reset;
    long? _seed;
    volatile bool _stopping;
    bool _disposed;

    /// <summary>Wraps distinct env instances with equal spaces.</summary>
    /// <param name="envs">The copies.</param>
    /// <param name="threads">Threads including the caller's (default: the number of cores, at most one per copy).</param>
    /// <param name="spinCount">Spin iterations before a waiting thread blocks (see <see cref="ManualResetEventSlim.SpinCount"/>).</param>
    public ThreadedVectorEnv(IReadOnlyList<IEnv> envs, int? threads = null, int spinCount = 2000)
    {
        _batch = new EnvBatch(envs);
        int n = _batch.Count;
        int t = threads ?? Environment.ProcessorCount;
        if (t <= 0) throw new ArgumentOutOfRangeException(nameof(threads), t, "threads must be >= 1");
        if (spinCount < 0) throw new ArgumentOutOfRangeException(nameof(spinCount), spinCount, "spinCount must be >= 0");
        t = Math.Min(t, n);
        _bounds = new int[t + 1];
        for (int p = 0; p <= t; p++) _bounds[p] = (int)((long)p * n / t);
        _actions = new float[n * _batch.ActSize];
        _workers = new Thread[t - 1];
        _go = new ManualResetEventSlim[t - 1];
        _done = new ManualResetEventSlim[t - 1];
        _errors = new Exception?[t - 1];
        for (int w = 0; w < _workers.Length; w++)
        {
            _go[w] = new ManualResetEventSlim(false, spinCount);
            _done[w] = new ManualResetEventSlim(false, spinCount);
            int index = w;
            _workers[w] = new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = $"ThreadedVectorEnv worker {w + 1}" };
            _workers[w].Start();
        }
    }

    /// <summary>Builds <paramref name="numEnvs"/> copies with <paramref name="factory"/> (called with the copy index).</summary>
    public ThreadedVectorEnv(Func<int, IEnv> factory, int numEnvs, int? threads = null)
        : this(VectorEnvs.Build(factory, numEnvs), threads) { }

    /// <summary>Number of threads stepping copies (the caller's included).</summary>
    public int Threads => _bounds.Length - 1;

    /// <inheritdoc />
    public int NumEnvs => _batch.Count;

    /// <summary>The copies (for inspection; step them only through this vector env).</summary>
    public IReadOnlyList<IEnv> Envs => _batch.Envs;

    /// <inheritdoc />
    public Space SingleObservationSpace => _batch.ObservationSpace;

    /// <inheritdoc />
    public Space SingleActionSpace => _batch.ActionSpace;

    /// <inheritdoc />
    public float[] Observations => _batch.Observations;

    /// <inheritdoc />
    public float[] FinalObservations => _batch.FinalObservations;

    /// <inheritdoc />
    public double[] Rewards => _batch.Rewards;

    /// <inheritdoc />
    public bool[] Terminated => _batch.Terminated;

    /// <inheritdoc />
    public bool[] Truncated => _batch.Truncated;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object>?[] Infos => _batch.Infos;

    /// <inheritdoc />
    public void Reset(long? seed = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _reset = true;
        _seed = seed;
        Run();
        _batch.Started = true;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The buffer does not hold NumEnvs × action size values.</exception>
    public void Step(ReadOnlySpan<float> actions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _batch.CheckActions(actions.Length, nameof(ThreadedVectorEnv));
        actions.CopyTo(_actions);
        _reset = false;
        Run();
    }

    /// <summary>Hands ranges 1.. to the workers, steps range 0 here, waits for all, rethrows the first error.</summary>
    void Run()
    {
        for (int w = 0; w < _go.Length; w++) _go[w].Set();
        Exception? error = null;
        try { RunRange(0); }
        catch (Exception ex) { error = ex; }
        for (int w = 0; w < _done.Length; w++)
        {
            _done[w].Wait();
            _done[w].Reset();
            if (_errors[w] is { } e) { error ??= e; _errors[w] = null; }
        }
        if (error is not null) ExceptionDispatchInfo.Throw(error);
    }

    void RunRange(int p)
    {
        if (_reset) _batch.ResetRange(_bounds[p], _bounds[p + 1], _seed);
        else _batch.StepRange(_bounds[p], _bounds[p + 1], _actions);
    }

    void WorkerLoop(int w)
    {
        while (true)
        {
            _go[w].Wait();
            _go[w].Reset();
            if (_stopping) return;
            try { RunRange(w + 1); }
            catch (Exception ex) { _errors[w] = ex; }
            _done[w].Set();
        }
    }

    /// <inheritdoc />
    public void SaveState(BinaryWriter writer) => _batch.Save(writer, nameof(ThreadedVectorEnv));

    /// <inheritdoc />
    public void LoadState(BinaryReader reader) => _batch.Load(reader, nameof(ThreadedVectorEnv));

    /// <summary>Stops the worker threads and disposes the copies.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stopping = true;
        foreach (var g in _go) g.Set();
        foreach (var t in _workers) t.Join();
        foreach (var e in _go) e.Dispose();
        foreach (var e in _done) e.Dispose();
        _batch.Dispose();
    }
}
