using PolicyGradient.Algorithms;
using PolicyGradient.Core;
using TorchSharp;

namespace PolicyGradient.Training.Callbacks;

/// <summary>
/// TensorBoard event files (events.out.tfevents.*) in the run folder through TorchSharp's
/// SummaryWriter: every metric of every update as a scalar at step = timesteps. Tags use SB3's
/// grouping ("rollout/", "train/", "eval/", "time/") so the charts read as users expect. The writer
/// opens, appends and closes the file for every scalar, so with <c>background</c> the writes run
/// off the training thread, in order; <see cref="Dispose"/> waits for them.
/// </summary>
public sealed class TensorBoardCallback : IRunCallback, IDisposable
{
    readonly TorchSharp.Modules.SummaryWriter _writer;
    readonly SerialWorker? _worker;

    /// <summary>Events in <paramref name="logDir"/>, written on the training thread.</summary>
    public TensorBoardCallback(string logDir) : this(logDir, background: false) { }

    /// <summary>Events in <paramref name="logDir"/>; <paramref name="background"/> writes them off the training thread.</summary>
    public TensorBoardCallback(string logDir, bool background)
    {
        _writer = torch.utils.tensorboard.SummaryWriter(logDir);
        _worker = background ? new SerialWorker() : null;
    }

    /// <inheritdoc />
    public bool OnUpdateEnd(ILearner learner, UpdateMetrics metrics)
    {
        int step = (int)Math.Min(metrics.Timesteps, int.MaxValue);
        var scalars = metrics.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (Tag(kv.Key), (float)kv.Value)).ToArray();
        void Write() { foreach (var (tag, value) in scalars) _writer.add_scalar(tag, value, step); }
        if (_worker is null) Write(); else _worker.Post(Write);
        return true;
    }

    /// <inheritdoc />
    public void OnTrainingEnd(ILearner learner) => _worker?.Drain();

    /// <summary>Waits for queued event writes.</summary>
    public void Dispose() => _worker?.Drain();

    static string Tag(string key) => key switch
    {
        "episode_return_mean" or "episode_length_mean" => "rollout/" + key,
        "eval_return_mean" or "heldout_accuracy" => "eval/" + key,
        "sps" => "time/" + key,
        _ => "train/" + key,
    };
}
