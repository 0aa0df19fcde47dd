namespace PolicyGradient.Distributed;

/// <summary>
/// How long the learner waits for a worker call, scaled by how long the run's calls actually take:
/// a loaded machine makes every call slower, and the limits grow with them. Two bounds
/// (docs/distributed.md, "Fault handling"):
/// <list type="bullet">
/// <item><see cref="Limit"/>: a call not answered by then counts as lost and its worker is replaced;
/// <see cref="Factor"/> × the slowest of the last <see cref="Window"/> answered calls, at least
/// <see cref="Floor"/>; before any call answered, Orleans' response timeout.</item>
/// <item><see cref="Grace"/>: after a silo was declared dead, a call that was out at that moment and has
/// not answered <see cref="Grace"/> later is sent again to the same worker: the learner is an Orleans
/// client, and a request (or its answer) that went through the dead silo's gateway is lost without an
/// error even when the worker runs on a live silo.</item>
/// </list>
/// </summary>
internal sealed class WorkerCallLimits
{
    /// <summary>Answered calls whose durations set the limits.</summary>
    public const int Window = 32;

    /// <summary>The limit as a multiple of the slowest recent call.</summary>
    public const double Factor = 10;

    /// <summary>The least limit.</summary>
    public static readonly TimeSpan Floor = TimeSpan.FromSeconds(60);

    /// <summary>The grace as a multiple of the slowest recent call.</summary>
    public const double GraceFactor = 2;

    /// <summary>The least grace.</summary>
    public static readonly TimeSpan GraceFloor = TimeSpan.FromSeconds(5);

    /// <summary>The limit before any call answered: the response timeout the learner's Orleans client runs with (<see cref="ClusterClient"/>).</summary>
    public static readonly TimeSpan Unmeasured = TimeSpan.FromMinutes(10);

    readonly Queue<TimeSpan> _recent = new();

    /// <summary>Records an answered call's duration.</summary>
    public void Answered(TimeSpan took)
    {
        lock (_recent)
        {
            _recent.Enqueue(took);
            if (_recent.Count > Window) _recent.Dequeue();
        }
    }

    TimeSpan? Slowest()
    {
        lock (_recent) return _recent.Count == 0 ? null : _recent.Max();
    }

    /// <summary>How long a call may take before it counts as lost.</summary>
    public TimeSpan Limit => Slowest() is { } slowest ? Max(slowest * Factor, Floor) : Unmeasured;

    /// <summary>How long a call that was out when a silo died may still take before it is sent again.</summary>
    public TimeSpan Grace => Max((Slowest() ?? TimeSpan.Zero) * GraceFactor, GraceFloor);

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
