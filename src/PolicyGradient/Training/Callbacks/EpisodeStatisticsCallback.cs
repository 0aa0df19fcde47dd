using System.Globalization;
using PolicyGradient.Algorithms;
using PolicyGradient.Core;

namespace PolicyGradient.Training.Callbacks;

/// <summary>
/// Fills the standard episode metrics when the algorithm did not: "episode_return_mean" and
/// "episode_length_mean" over the last <see cref="Window"/> finished episodes (SB3's ep_rew_mean
/// uses 100), and "sps" (steps per second of this session). Its window is saved in checkpoints so
/// the logged means continue unchanged after a resume.
/// </summary>
public sealed class EpisodeStatisticsCallback(int window = 100) : IRunCallback
{
    readonly Queue<(double Return, int Length)> _recent = new();
    long _startTimesteps;

    /// <summary>Episodes averaged.</summary>
    public int Window { get; } = window;

    /// <summary>Mean return of the window, or NaN before any episode ended.</summary>
    public double MeanReturn => _recent.Count == 0 ? double.NaN : _recent.Average(e => e.Return);

    /// <inheritdoc />
    public bool OnUpdateEnd(ILearner learner, UpdateMetrics metrics)
    {
        for (int i = 0; i < metrics.EpisodeReturns.Count; i++)
        {
            _recent.Enqueue((metrics.EpisodeReturns[i], i < metrics.EpisodeLengths.Count ? metrics.EpisodeLengths[i] : 0));
            while (_recent.Count > Window) _recent.Dequeue();
        }
        if (_recent.Count > 0)
        {
            metrics.Values.TryAdd("episode_return_mean", _recent.Average(e => e.Return));
            metrics.Values.TryAdd("episode_length_mean", _recent.Average(e => (double)e.Length));
        }
        if (metrics.WallSeconds > 0) metrics.Values.TryAdd("sps", (metrics.Timesteps - _startTimesteps) / metrics.WallSeconds);
        return true;
    }

    /// <summary>The window as text for the checkpoint manifest.</summary>
    public string Save() => string.Join(";", _recent.Select(e => e.Return.ToString("R", CultureInfo.InvariantCulture) + "," + e.Length.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Restores a window from <see cref="Save"/> and the timesteps the session starts from.</summary>
    public void Load(string? text, long startTimesteps)
    {
        _recent.Clear();
        _startTimesteps = startTimesteps;
        if (string.IsNullOrEmpty(text)) return;
        foreach (string item in text.Split(';'))
        {
            var p = item.Split(',');
            if (p.Length == 2 && double.TryParse(p[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double r)
                && int.TryParse(p[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int l))
                _recent.Enqueue((r, l));
        }
    }
}
