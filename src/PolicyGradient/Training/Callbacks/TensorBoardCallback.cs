using PolicyGradient.Algorithms;
using TorchSharp;

namespace PolicyGradient.Training.Callbacks;

/// <summary>
/// TensorBoard event files (events.out.tfevents.*) in the run folder through TorchSharp's
/// SummaryWriter: every metric of every update as a scalar at step = timesteps. Tags use SB3's
/// grouping ("rollout/", "train/", "eval/", "time/") so the charts read as users expect.
/// </summary>
public sealed class TensorBoardCallback(string logDir) : ITrainingCallback
{
    readonly TorchSharp.Modules.SummaryWriter _writer = torch.utils.tensorboard.SummaryWriter(logDir);

    /// <inheritdoc />
    public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics)
    {
        int step = (int)Math.Min(metrics.Timesteps, int.MaxValue);
        foreach (var (key, value) in metrics.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            _writer.add_scalar(Tag(key), (float)value, step);
        return true;
    }

    static string Tag(string key) => key switch
    {
        "episode_return_mean" or "episode_length_mean" => "rollout/" + key,
        "eval_return_mean" => "eval/" + key,
        "sps" => "time/" + key,
        _ => "train/" + key,
    };
}
