using PolicyGradient.Algorithms;
using PolicyGradient.Core;
using TorchSharp;

namespace PolicyGradient.Training.Callbacks;

/// <summary>
/// TensorBoard event files (events.out.tfevents.*) in the run folder (<see cref="Logging.TensorBoardEventFile"/>):
/// every metric of every update as a scalar at step = the progress counter, one event per update. Tags use
/// SB3's grouping ("rollout/", "train/", "eval/", "time/") so the charts read as users expect. With
/// <c>background</c> the writes run off the training thread, in order; <see cref="Dispose"/> waits for them.
/// </summary>
public sealed class TensorBoardCallback : IRunCallback, IDisposable
{
    readonly Logging.TensorBoardEventFile _writer;
    readonly SerialWorker? _worker;

    /// <summary>Events in <paramref name="logDir"/>, written on the training thread.</summary>
    public TensorBoardCallback(string logDir) : this(logDir, background: false) { }

    /// <summary>Events in <paramref name="logDir"/>; <paramref name="background"/> writes them off the training thread.</summary>
    public TensorBoardCallback(string logDir, bool background)
    {
        _writer = new Logging.TensorBoardEventFile(logDir);
        _worker = background ? new SerialWorker() : null;
    }

    /// <inheritdoc />
    public bool OnUpdateEnd(ILearner learner, UpdateMetrics metrics)
    {
        long step = metrics.Timesteps;
        var scalars = metrics.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (Tag(kv.Key), (float)kv.Value)).ToArray();
        void Write() => _writer.WriteScalars(step, scalars);
        if (_worker is null) Write(); else _worker.Post(Write);
        return true;
    }

    /// <inheritdoc />
    public void OnTrainingEnd(ILearner learner) => _worker?.Drain();

    /// <summary>Waits for queued event writes.</summary>
    public void Dispose()
    {
        _worker?.Drain();
        _writer.Dispose();
    }

    static string Tag(string key) => key switch
    {
        "episode_return_mean" or "episode_length_mean" => "rollout/" + key,
        "eval_return_mean" or "heldout_accuracy" or EvaluationCallback.QOverestimationMetric => "eval/" + key,
        "sps" => "time/" + key,
        _ => "train/" + key,
    };
}
