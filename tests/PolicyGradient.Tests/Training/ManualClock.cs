namespace PolicyGradient.Tests.Training;

/// <summary>A clock that moves only when a test says so (for the wall-time checkpoint interval).</summary>
internal sealed class ManualClock : TimeProvider
{
    long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
