using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.Wrappers;

/// <summary>
/// Exposes a continuous action space as the box [min, max] (usually [−1, 1], matching a tanh
/// policy) and maps each action affinely onto the wrapped env's bounds (Gymnasium's RescaleAction):
/// a' = low + (high − low)·(a − min)/(max − min), clipped into [low, high] against rounding.
/// </summary>
public sealed class RescaleAction : Wrapper
{
    readonly Box _inner;
    readonly Box _space;
    readonly float[] _scaled;

    /// <summary>Rescales from the same [min, max] on every dimension.</summary>
    public RescaleAction(IEnv env, float min = -1f, float max = 1f)
        : this(env, Fill(env, min), Fill(env, max)) { }

    /// <summary>Rescales from per-dimension bounds.</summary>
    public RescaleAction(IEnv env, float[] min, float[] max) : base(env)
    {
        _inner = env.ActionSpace as Box
            ?? throw new ArgumentException($"RescaleAction needs a Box action space, got {env.ActionSpace}", nameof(env));
        if (!_inner.IsBounded)
            throw new ArgumentException($"RescaleAction needs a bounded action space, got {_inner}", nameof(env));
        if (min.Length != _inner.FlatSize || max.Length != _inner.FlatSize)
            throw new ArgumentException($"RescaleAction: min and max need {_inner.FlatSize} value(s), got {min.Length} and {max.Length}");
        for (int i = 0; i < min.Length; i++)
            if (!(float.IsFinite(min[i]) && float.IsFinite(max[i]) && min[i] < max[i]))
                throw new ArgumentException($"RescaleAction: need finite min[{i}] < max[{i}], got {min[i]} and {max[i]}");
        _space = new Box(min, max, _inner.Shape);
        _scaled = new float[_inner.FlatSize];
    }

    static float[] Fill(IEnv env, float v)
    {
        var a = new float[env.ActionSpace.FlatSize];
        Array.Fill(a, v);
        return a;
    }

    /// <summary>The box [min, max].</summary>
    public override Space ActionSpace => _space;

    /// <inheritdoc />
    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (action.Length != _scaled.Length)
            throw new ArgumentException($"RescaleAction: Step got an action of length {action.Length}, expected {_scaled.Length}", nameof(action));
        float[] low = _inner.Low, high = _inner.High, min = _space.Low, max = _space.High;
        for (int i = 0; i < _scaled.Length; i++)
        {
            double t = ((double)action[i] - min[i]) / ((double)max[i] - min[i]);
            _scaled[i] = Math.Clamp((float)(low[i] + (high[i] - (double)low[i]) * t), low[i], high[i]);
        }
        return Env.Step(_scaled, observation);
    }
}
