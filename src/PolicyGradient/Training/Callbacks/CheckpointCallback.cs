using PolicyGradient.Algorithms;
using PolicyGradient.Training.Checkpoints;
using static TorchSharp.torch;

namespace PolicyGradient.Training.Callbacks;

/// <summary>
/// Writes <c>checkpoints/step-&lt;N&gt;/</c> at the first update boundary at or past every
/// <see cref="Every"/> timesteps, keeping the newest <see cref="Keep"/>. It never saves a state
/// after divergence: it asks <see cref="Healthy"/> first and refuses tensors holding NaN/∞
/// (then <see cref="Failure"/> names the tensor and training stops).
/// </summary>
public sealed class CheckpointCallback(
    string checkpointsDir, CheckpointIdentity identity, long every, int keep,
    Func<IReadOnlyDictionary<string, string>> runState, Func<bool> healthy, long lastCheckpointTimesteps = 0) : ITrainingCallback
{
    long _last = lastCheckpointTimesteps;

    /// <summary>Checkpoint period in timesteps.</summary>
    public long Every { get; } = every;

    /// <summary>Periodic checkpoints kept.</summary>
    public int Keep { get; } = keep;

    /// <summary>Healthy-state predicate (the divergence guard's).</summary>
    public Func<bool> Healthy { get; } = healthy;

    /// <summary>Set when the captured state held a non-finite tensor.</summary>
    public string? Failure { get; private set; }

    /// <summary>Folder of the newest checkpoint written by this callback, or null.</summary>
    public string? LastWritten { get; private set; }

    /// <inheritdoc />
    public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics)
    {
        if (Every <= 0 || metrics.Timesteps - _last < Every || !Healthy()) return true;
        using var state = algorithm.CaptureState();
        if (FirstNonFinite(state) is { } bad)
        {
            Failure = $"{algorithm.Name} on {identity.EnvId} diverged: tensor '{bad}' holds NaN or infinity at timestep {metrics.Timesteps}; the last good checkpoint is kept.";
            return false;
        }
        // Counters from the metrics when the algorithm did not record them itself.
        state.Values.TryAdd("num_timesteps", metrics.Timesteps.ToString(System.Globalization.CultureInfo.InvariantCulture));
        state.Values.TryAdd("num_updates", metrics.Updates.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _last = metrics.Timesteps;
        var run = new Dictionary<string, string>(runState()) { ["last_checkpoint_timesteps"] = _last.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        LastWritten = CheckpointStore.Write(checkpointsDir, CheckpointStore.StepName(metrics.Timesteps), state, identity, run);
        CheckpointStore.Prune(checkpointsDir, Keep);
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
