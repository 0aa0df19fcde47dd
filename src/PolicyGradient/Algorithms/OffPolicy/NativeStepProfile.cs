using System.Diagnostics;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// Where a native off-policy step spends its time, summed over steps (for the benchmark's per-update
/// breakdown): the policy's forward pass and sampling, the temperature, the critics' target, the
/// critic update, the actor update and the Polyak target update. A step with a profile attached adds
/// each phase's elapsed time here; without one it only reads the clock.
/// </summary>
internal sealed class NativeStepProfile
{
    /// <summary>The phases, in step order.</summary>
    public static readonly string[] Phases = ["policy", "temperature", "target", "critic", "actor", "polyak"];

    readonly long[] _ticks = new long[Phases.Length];

    /// <summary>Steps recorded.</summary>
    public long Steps { get; private set; }

    /// <summary>Adds the time since <paramref name="since"/> to <paramref name="phase"/>; returns the current timestamp.</summary>
    public long Add(int phase, long since)
    {
        long now = Stopwatch.GetTimestamp();
        _ticks[phase] += now - since;
        return now;
    }

    /// <summary>Counts one step.</summary>
    public void EndStep() => Steps++;

    /// <summary>Mean microseconds per step of <paramref name="phase"/>.</summary>
    public double MicrosecondsPerStep(int phase) => Steps == 0 ? 0 : _ticks[phase] * 1e6 / Stopwatch.Frequency / Steps;

    /// <summary>Forgets what was recorded.</summary>
    public void Reset() { Array.Clear(_ticks); Steps = 0; }
}
