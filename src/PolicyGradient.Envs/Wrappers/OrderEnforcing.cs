namespace PolicyGradient.Environments.Wrappers;

/// <summary>
/// Refuses <see cref="IEnv.Step"/> before the first <see cref="IEnv.Reset"/> with an
/// <see cref="InvalidOperationException"/> (Gymnasium's OrderEnforcing). <see cref="Envs.Make"/>
/// adds it to envs without a time limit; <see cref="TimeLimit"/> performs the same check itself.
/// </summary>
public sealed class OrderEnforcing : Wrapper
{
    bool _started;

    /// <summary>Wraps <paramref name="env"/>.</summary>
    public OrderEnforcing(IEnv env) : base(env) { }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object>? Reset(Span<float> observation, long? seed = null)
    {
        _started = true;
        return Env.Reset(observation, seed);
    }

    /// <inheritdoc />
    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation) =>
        _started ? Env.Step(action, observation) : throw StepBeforeReset(this);

    /// <inheritdoc />
    protected override void LoadWrapperState(BinaryReader reader) => _started = true; // a restored state is a started episode

    internal static InvalidOperationException StepBeforeReset(IEnv env) =>
        new($"{env.Spec?.Id ?? env.Unwrapped.GetType().Name}: Step was called before Reset; call Reset(observation, seed) to start an episode first");
}
