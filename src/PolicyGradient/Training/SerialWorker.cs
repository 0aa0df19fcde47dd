using System.Runtime.ExceptionServices;

namespace PolicyGradient.Training;

/// <summary>
/// Runs posted work items on the thread pool one at a time, in the order posted, off the training
/// thread (checkpoint fsyncs, TensorBoard event writes). The first failure is kept and rethrown by
/// the next <see cref="Post"/> or by <see cref="Drain"/>; items posted after a failure are skipped.
/// </summary>
internal sealed class SerialWorker
{
    readonly object _gate = new();
    Task _tail = Task.CompletedTask;
    ExceptionDispatchInfo? _failure;

    /// <summary>Queues <paramref name="work"/> after everything posted before it.</summary>
    /// <exception cref="Exception">The failure of an earlier item, rethrown here.</exception>
    public void Post(Action work)
    {
        ThrowIfFailed();
        lock (_gate)
            _tail = _tail.ContinueWith(_ =>
            {
                if (_failure is not null) return;
                try { work(); }
                catch (Exception e) { _failure ??= ExceptionDispatchInfo.Capture(e); }
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>Waits until every posted item has run; rethrows the first failure.</summary>
    public void Drain()
    {
        Task tail;
        lock (_gate) tail = _tail;
        tail.Wait();
        ThrowIfFailed();
    }

    void ThrowIfFailed()
    {
        var f = _failure;
        if (f is null) return;
        _failure = null;
        f.Throw();
    }
}
