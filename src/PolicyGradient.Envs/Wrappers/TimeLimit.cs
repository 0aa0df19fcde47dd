namespace PolicyGradient.Environments.Wrappers;

/// <summary>
/// Truncates episodes after <see cref="MaxEpisodeSteps"/> steps (Gymnasium's TimeLimit): the step
/// that reaches the limit returns truncated = true, unless it also terminated, in which case
/// both flags are reported as Gymnasium does. Like Gymnasium's OrderEnforcing (which
/// <c>gymnasium.make</c> adds next to it), it refuses a Step before the first Reset.
/// </summary>
public sealed class TimeLimit : Wrapper
{
    int _elapsed;
    bool _started;

    /// <summary>Wraps <paramref name="env"/> with a limit.</summary>
    public TimeLimit(IEnv env, int maxEpisodeSteps) : base(env)
    {
        if (maxEpisodeSteps <= 0) throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, "the time limit must be >= 1 step");
        MaxEpisodeSteps = maxEpisodeSteps;
    }

    /// <summary>The step limit.</summary>
    public int MaxEpisodeSteps { get; }

    /// <summary>Steps taken in the current episode.</summary>
    public int ElapsedSteps => _elapsed;

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object>? Reset(Span<float> observation, long? seed = null)
    {
        _elapsed = 0;
        _started = true;
        return Env.Reset(observation, seed);
    }

    /// <inheritdoc />
    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (!_started) throw OrderEnforcing.StepBeforeReset(this);
        var r = Env.Step(action, observation);
        _elapsed++;
        return _elapsed >= MaxEpisodeSteps ? r with { Truncated = true } : r;
    }

    /// <inheritdoc />
    protected override void SaveWrapperState(BinaryWriter writer) => writer.Write(_elapsed);

    /// <inheritdoc />
    protected override void LoadWrapperState(BinaryReader reader)
    {
        _elapsed = reader.ReadInt32();
        _started = true; // a restored state is a started episode
    }
}
