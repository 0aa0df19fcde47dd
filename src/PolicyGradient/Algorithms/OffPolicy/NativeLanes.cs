using System.Runtime.ExceptionServices;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// Two lanes of work for the native off-policy steps: <see cref="Run(Action, Action)"/> executes two independent
/// pieces (the two twin critics, or a layer's weight gradient and its input gradient) either on the
/// calling thread and one long-lived worker thread, or one after the other on the calling thread.
/// The pieces are the same in both modes and each writes its own memory, so one and two threads give
/// bit-identical results (no reduction whose order depends on the thread count).
/// <para>The worker spins briefly before blocking (<see cref="ManualResetEventSlim"/>): a hand-off costs
/// a few microseconds while the update is running, against ~200 µs per 256×256×256 product.</para>
/// </summary>
internal sealed class NativeLanes : IDisposable
{
    const int SpinCount = 2047; // the most ManualResetEventSlim allows

    readonly Thread? _worker;
    readonly ManualResetEventSlim _go = new(false, SpinCount), _done = new(false, SpinCount);
    Action? _second;
    Action<int>? _indexed;
    ExceptionDispatchInfo? _error;
    volatile bool _stopping;

    /// <summary>One lane (<paramref name="threads"/> = 1) or two (2: the calling thread plus a worker).</summary>
    /// <exception cref="ArgumentOutOfRangeException">threads is not 1 or 2.</exception>
    public NativeLanes(int threads)
    {
        if (threads is not (1 or 2))
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "the native off-policy kernels use 1 or 2 threads");
        Threads = threads;
        if (threads == 2)
        {
            _worker = new Thread(WorkerLoop) { IsBackground = true, Name = "PolicyGradient native lane" };
            _worker.Start();
        }
    }

    /// <summary>1 or 2.</summary>
    public int Threads { get; }

    /// <summary>The default: two lanes where the machine has at least two processors.</summary>
    public static int DefaultThreads => Environment.ProcessorCount >= 2 ? 2 : 1;

    /// <summary>Runs <paramref name="first"/> and <paramref name="second"/> (in parallel with two lanes) and returns when both are done.</summary>
    public void Run(Action first, Action second)
    {
        if (_worker is null) { first(); second(); return; }
        (_second, _indexed) = (second, null);
        Dispatch(first);
    }

    /// <summary>Runs <paramref name="lane"/>(0) and <paramref name="lane"/>(1) (in parallel with two lanes) and returns when both are done.</summary>
    public void Run(Action<int> lane)
    {
        if (_worker is null) { lane(0); lane(1); return; }
        (_second, _indexed) = (null, lane);
        Dispatch(null, lane);
    }

    void Dispatch(Action? first, Action<int>? indexed = null)
    {
        _go.Set();
        try
        {
            if (first is not null) first();
            else indexed!(0);
        }
        finally
        {
            _done.Wait();
            _done.Reset();
        }
        var error = _error;
        _error = null;
        error?.Throw();
    }

    void WorkerLoop()
    {
        while (true)
        {
            _go.Wait();
            _go.Reset();
            if (_stopping) return;
            try
            {
                if (_indexed is not null) _indexed(1);
                else _second!();
            }
            catch (Exception e) { _error = ExceptionDispatchInfo.Capture(e); }
            _done.Set();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_worker is not null)
        {
            _stopping = true;
            _go.Set();
            _worker.Join();
        }
        _go.Dispose();
        _done.Dispose();
    }
}
