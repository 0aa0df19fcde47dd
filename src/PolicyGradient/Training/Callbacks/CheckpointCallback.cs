using System.Globalization;
using PolicyGradient.Algorithms;
using PolicyGradient.Training.Checkpoints;
using PolicyGradient.Core;
using static TorchSharp.torch;

namespace PolicyGradient.Training.Callbacks;

/// <summary>
/// Writes <c>checkpoints/step-&lt;N&gt;/</c> at the first update boundary at least <see cref="Every"/>
/// timesteps, or <see cref="Interval"/> of wall time, after the previous checkpoint (whichever comes
/// first), keeping the newest <see cref="Keep"/>. It never saves a state after divergence: it asks
/// <see cref="Healthy"/> first and refuses tensors holding NaN/∞ (then <see cref="Failure"/> names the
/// tensor and training stops). The state is captured and serialized on the training thread at the
/// update; with a background writer the files are written and fsynced off it, in order, and
/// <see cref="Flush"/> waits for them (a write failure surfaces at the next checkpoint or at Flush).
/// </summary>
public sealed class CheckpointCallback : IRunCallback
{
    readonly string _checkpointsDir;
    readonly CheckpointIdentity _identity;
    readonly Func<IReadOnlyDictionary<string, string>> _runState;
    readonly TimeProvider _time;
    readonly SerialWorker? _writer;
    long _last, _lastClock;

    /// <summary>A checkpoint callback writing on the training thread, by timesteps only.</summary>
    public CheckpointCallback(string checkpointsDir, CheckpointIdentity identity, long every, int keep,
        Func<IReadOnlyDictionary<string, string>> runState, Func<bool> healthy, long lastCheckpointTimesteps = 0)
        : this(checkpointsDir, identity, every, TimeSpan.Zero, keep, runState, healthy, lastCheckpointTimesteps, null, background: false) { }

    /// <summary>A checkpoint callback by timesteps or wall time, optionally writing on a background thread.</summary>
    /// <param name="checkpointsDir">The run's checkpoints folder.</param>
    /// <param name="identity">Identity recorded in every manifest.</param>
    /// <param name="every">Timesteps between checkpoints (≤ 0: never by timesteps).</param>
    /// <param name="interval">Wall time between checkpoints (zero: never by time).</param>
    /// <param name="keep">Periodic checkpoints kept.</param>
    /// <param name="runState">Run-layer values stored in the manifest.</param>
    /// <param name="healthy">The divergence guard's health predicate.</param>
    /// <param name="lastCheckpointTimesteps">Timesteps of the checkpoint a resumed run started from.</param>
    /// <param name="time">Clock for <paramref name="interval"/> (default: the system clock).</param>
    /// <param name="background">Write and fsync files off the training thread.</param>
    public CheckpointCallback(string checkpointsDir, CheckpointIdentity identity, long every, TimeSpan interval, int keep,
        Func<IReadOnlyDictionary<string, string>> runState, Func<bool> healthy, long lastCheckpointTimesteps, TimeProvider? time, bool background)
    {
        _checkpointsDir = checkpointsDir;
        _identity = identity;
        _runState = runState;
        _time = time ?? TimeProvider.System;
        _writer = background ? new SerialWorker() : null;
        Every = every;
        Interval = interval;
        Keep = keep;
        Healthy = healthy;
        _last = lastCheckpointTimesteps;
        _lastClock = _time.GetTimestamp();
    }

    /// <summary>Checkpoint period in timesteps.</summary>
    public long Every { get; }

    /// <summary>Checkpoint period in wall time (zero: none).</summary>
    public TimeSpan Interval { get; }

    /// <summary>Periodic checkpoints kept.</summary>
    public int Keep { get; }

    /// <summary>Healthy-state predicate (the divergence guard's).</summary>
    public Func<bool> Healthy { get; }

    /// <summary>Progress at which no periodic checkpoint is written (the run's last update, which gets <c>final</c>); 0 = none.</summary>
    public long SkipAt { get; init; }

    /// <summary>Set when the captured state held a non-finite tensor.</summary>
    public string? Failure { get; private set; }

    /// <summary>Folder of the newest checkpoint requested by this callback (written once <see cref="Flush"/> returns), or null.</summary>
    public string? LastWritten { get; private set; }

    /// <summary>Timesteps of the newest checkpoint (requested by this callback, or resumed from).</summary>
    public long LastTimesteps => _last;

    /// <inheritdoc />
    public bool OnUpdateEnd(ILearner learner, UpdateMetrics metrics)
    {
        bool byTimesteps = Every > 0 && metrics.Timesteps - _last >= Every;
        bool byClock = Interval > TimeSpan.Zero && _time.GetElapsedTime(_lastClock) >= Interval;
        if (!(byTimesteps || byClock) || !Healthy() || metrics.Timesteps == SkipAt) return true;
        return Save(learner, metrics.Timesteps, metrics.Updates, wait: false);
    }

    /// <summary>
    /// Writes a step-N checkpoint of <paramref name="learner"/> now (it must be between updates) and
    /// waits until it and every earlier one are on disk. Used when a run is interrupted.
    /// </summary>
    /// <returns>The checkpoint folder, or null when the state held NaN/∞ (<see cref="Failure"/> says which tensor).</returns>
    public string? SaveNow(ILearner learner)
    {
        if (_last == learner.Progress && LastWritten is not null) { Flush(); return LastWritten; }
        return Save(learner, learner.Progress, learner.NumUpdates, wait: true) ? LastWritten : null;
    }

    /// <summary>Waits for background writes; rethrows a write failure (an <see cref="IOException"/> naming the path).</summary>
    public void Flush() => _writer?.Drain();

    bool Save(ILearner learner, long timesteps, int updates, bool wait)
    {
        CheckpointStore.Prepared prepared;
        using (var state = learner.CaptureState())
        {
            if (FirstNonFinite(state) is { } bad)
            {
                Failure = $"{learner.Name} on {_identity.EnvId} diverged: tensor '{bad}' holds NaN or infinity at timestep {timesteps}; the last good checkpoint is kept.";
                return false;
            }
            // Counters from the metrics when the algorithm did not record them itself.
            state.Values.TryAdd("num_timesteps", timesteps.ToString(CultureInfo.InvariantCulture));
            state.Values.TryAdd("num_updates", updates.ToString(CultureInfo.InvariantCulture));
            _last = timesteps;
            _lastClock = _time.GetTimestamp();
            var run = new Dictionary<string, string>(_runState()) { ["last_checkpoint_timesteps"] = _last.ToString(CultureInfo.InvariantCulture) };
            prepared = CheckpointStore.Prepare(state, _identity, run);
        }
        string name = CheckpointStore.StepName(timesteps), dir = _checkpointsDir;
        int keep = Keep;
        LastWritten = Path.Combine(dir, name);
        void Write()
        {
            CheckpointStore.WritePrepared(dir, name, prepared);
            CheckpointStore.Prune(dir, keep);
        }
        if (_writer is null) Write();
        else
        {
            _writer.Post(Write);
            if (wait) _writer.Drain();
        }
        return true;
    }

    /// <summary>The name of the first floating-point tensor containing NaN or ±∞, or null.</summary>
    public static string? FirstNonFinite(TrainingState state)
    {
        foreach (var (name, t) in state.Tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!t.is_floating_point() || t.numel() == 0) continue;
            using var finite = isfinite(t).all();
            if (!finite.item<bool>()) return name;
        }
        return null;
    }
}
