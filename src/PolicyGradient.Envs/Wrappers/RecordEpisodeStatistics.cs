using System.Diagnostics;

namespace PolicyGradient.Environments.Wrappers;

/// <summary>
/// Accumulates each episode's return and length (Gymnasium's RecordEpisodeStatistics) and adds
/// <c>info["episode"]</c> = <see cref="EpisodeStatistics"/> on the step that ends it (terminated or
/// truncated). Wrap it outside reward-changing wrappers such as <see cref="NormalizeReward"/> to
/// report the raw return. Allocates only on the step that ends an episode.
/// </summary>
public sealed class RecordEpisodeStatistics : Wrapper
{
    /// <summary>The info key holding the <see cref="EpisodeStatistics"/>.</summary>
    public const string InfoKey = "episode";

    double _return;
    int _length;
    long _startTimestamp;

    /// <summary>Wraps <paramref name="env"/>.</summary>
    public RecordEpisodeStatistics(IEnv env) : base(env) { }

    /// <summary>Number of episodes finished so far.</summary>
    public long EpisodeCount { get; private set; }

    /// <summary>The statistics of the last finished episode, or null.</summary>
    public EpisodeStatistics? LastEpisode { get; private set; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object>? Reset(Span<float> observation, long? seed = null)
    {
        var info = Env.Reset(observation, seed);
        _return = 0;
        _length = 0;
        _startTimestamp = Stopwatch.GetTimestamp();
        return info;
    }

    /// <inheritdoc />
    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        var r = Env.Step(action, observation);
        _return += r.Reward;
        _length++;
        if (!r.Terminated && !r.Truncated) return r;
        var episode = new EpisodeStatistics(_return, _length, Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds);
        LastEpisode = episode;
        EpisodeCount++;
        var info = r.Info is null ? new Dictionary<string, object>(1) : new Dictionary<string, object>(r.Info);
        info[InfoKey] = episode;
        return r with { Info = info };
    }

    /// <inheritdoc />
    protected override void SaveWrapperState(BinaryWriter writer)
    {
        writer.Write(_return);
        writer.Write(_length);
        writer.Write(EpisodeCount);
    }

    /// <inheritdoc />
    protected override void LoadWrapperState(BinaryReader reader)
    {
        _return = reader.ReadDouble();
        _length = reader.ReadInt32();
        EpisodeCount = reader.ReadInt64();
        _startTimestamp = Stopwatch.GetTimestamp(); // wall time does not survive a restart
    }
}
