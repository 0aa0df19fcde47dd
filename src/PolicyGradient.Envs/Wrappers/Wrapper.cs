using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.Wrappers;

/// <summary>
/// Base class for wrappers: forwards every call to the wrapped env; override what changes.
/// </summary>
public abstract class Wrapper : IEnv, IStatefulEnv
{
    /// <summary>Wraps <paramref name="env"/>.</summary>
    protected Wrapper(IEnv env) => Env = env ?? throw new ArgumentNullException(nameof(env));

    /// <summary>The wrapped env.</summary>
    public IEnv Env { get; }

    /// <inheritdoc />
    public virtual Space ObservationSpace => Env.ObservationSpace;

    /// <inheritdoc />
    public virtual Space ActionSpace => Env.ActionSpace;

    /// <inheritdoc />
    public EnvSpec? Spec { get => Env.Spec; set => Env.Spec = value; }

    /// <inheritdoc />
    public IEnv Unwrapped => Env.Unwrapped;

    /// <inheritdoc />
    public virtual IReadOnlyDictionary<string, object>? Reset(Span<float> observation, long? seed = null) => Env.Reset(observation, seed);

    /// <inheritdoc />
    public virtual StepResult Step(ReadOnlySpan<float> action, Span<float> observation) => Env.Step(action, observation);

    /// <summary>Finds the first wrapper of type <typeparamref name="T"/> in this chain, or null.</summary>
    public T? Find<T>() where T : class, IEnv
    {
        IEnv e = this;
        while (true)
        {
            if (e is T t) return t;
            if (e is Wrapper w) e = w.Env; else return null;
        }
    }

    /// <inheritdoc />
    public void SaveState(BinaryWriter writer)
    {
        if (Env is not IStatefulEnv inner)
            throw new NotSupportedException($"{Env.GetType().Name} does not implement IStatefulEnv, so its state cannot be checkpointed");
        inner.SaveState(writer);
        SaveWrapperState(writer);
    }

    /// <inheritdoc />
    public void LoadState(BinaryReader reader)
    {
        if (Env is not IStatefulEnv inner)
            throw new NotSupportedException($"{Env.GetType().Name} does not implement IStatefulEnv, so its state cannot be restored");
        inner.LoadState(reader);
        LoadWrapperState(reader);
    }

    /// <summary>Writes this wrapper's own state (counters, statistics); nothing by default.</summary>
    protected virtual void SaveWrapperState(BinaryWriter writer) { }

    /// <summary>Reads what <see cref="SaveWrapperState"/> wrote.</summary>
    protected virtual void LoadWrapperState(BinaryReader reader) { }

    /// <inheritdoc />
    public virtual void Dispose()
    {
        Env.Dispose();
        GC.SuppressFinalize(this);
    }
}
