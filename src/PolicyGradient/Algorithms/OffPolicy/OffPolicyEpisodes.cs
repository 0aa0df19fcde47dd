using System.Globalization;
using PolicyGradient.Core;
using PolicyGradient.Environments.Vector;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// Episode statistics of the training envs: the returns and lengths of episodes that ended since the
/// last report, and the last 100 (SB3's ep_info_buffer) for episode_return_mean; checkpointed.
/// </summary>
internal sealed class OffPolicyEpisodes
{
    const int Window = 100;
    readonly Queue<(double Return, int Length)> _recent = new();
    readonly List<(double Return, int Length)> _sinceReport = [];

    /// <summary>Records the episodes that ended in the env's last step.</summary>
    public void Record(IVectorEnv env)
    {
        var infos = env.Infos;
        for (int i = 0; i < infos.Length; i++)
        {
            if (!(env.Terminated[i] || env.Truncated[i])) continue;
            if (infos[i] is { } info && info.TryGetValue(RecordEpisodeStatistics.InfoKey, out var e) && e is EpisodeStatistics s)
            {
                _sinceReport.Add((s.Return, s.Length));
                _recent.Enqueue((s.Return, s.Length));
                if (_recent.Count > Window) _recent.Dequeue();
            }
        }
    }

    /// <summary>Moves the episodes since the last report into <paramref name="metrics"/> and adds the window means.</summary>
    public void Report(UpdateMetrics metrics)
    {
        foreach (var (r, l) in _sinceReport) { metrics.EpisodeReturns.Add(r); metrics.EpisodeLengths.Add(l); }
        _sinceReport.Clear();
        if (_recent.Count == 0) return;
        metrics.Values["episode_return_mean"] = _recent.Average(e => e.Return);
        metrics.Values["episode_length_mean"] = _recent.Average(e => e.Length);
    }

    /// <summary>Stores the window as "episodes_recent".</summary>
    public void Capture(TrainingState state) =>
        state.Values["episodes_recent"] = string.Join(";", _recent.Select(e =>
            e.Return.ToString("R", CultureInfo.InvariantCulture) + "," + e.Length.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Restores what <see cref="Capture"/> stored.</summary>
    public void Restore(TrainingState state)
    {
        _recent.Clear();
        _sinceReport.Clear();
        if (!state.Values.TryGetValue("episodes_recent", out var recent) || recent.Length == 0) return;
        foreach (var item in recent.Split(';'))
        {
            var parts = item.Split(',');
            _recent.Enqueue((double.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture)));
        }
    }
}
