using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.Wrappers;

/// <summary>
/// Clips continuous actions into the wrapped env's <see cref="Box"/> action space (Gymnasium's
/// ClipAction), so a Gaussian policy's unbounded samples are accepted. The wrapper's own action
/// space is the unbounded box of the same shape. The clipped copy lives in a buffer owned by the
/// wrapper: no allocation per step.
/// </summary>
public sealed class ClipAction : Wrapper
{
    readonly Box _inner;
    readonly Box _space;
    readonly float[] _clipped;

    /// <summary>Wraps an env whose action space is a <see cref="Box"/>.</summary>
    public ClipAction(IEnv env) : base(env)
    {
        _inner = env.ActionSpace as Box
            ?? throw new ArgumentException($"ClipAction needs a Box action space, got {env.ActionSpace}", nameof(env));
        _space = new Box(float.NegativeInfinity, float.PositiveInfinity, _inner.Shape);
        _clipped = new float[_inner.FlatSize];
    }

    /// <summary>The unbounded box of the wrapped action space's shape.</summary>
    public override Space ActionSpace => _space;

    /// <inheritdoc />
    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (action.Length != _clipped.Length)
            throw new ArgumentException($"ClipAction: Step got an action of length {action.Length}, expected {_clipped.Length}", nameof(action));
        float[] low = _inner.Low, high = _inner.High;
        for (int i = 0; i < _clipped.Length; i++) _clipped[i] = Math.Clamp(action[i], low[i], high[i]);
        return Env.Step(_clipped, observation);
    }
}
