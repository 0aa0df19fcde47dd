using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments;

/// <summary>
/// Base class for environments: owns the seeded generator (<see cref="Random"/>) with Gymnasium's
/// reset semantics (a seed reseeds, no seed continues the stream, the first reset without a seed
/// draws one from OS entropy) and checks the order of calls.
/// </summary>
public abstract class Env : IEnv, IStatefulEnv
{
    Rng? _random;
    bool _started; // false until the first Reset (or LoadState): Step before Reset is a usage error

    /// <inheritdoc />
    public abstract Space ObservationSpace { get; }

    /// <inheritdoc />
    public abstract Space ActionSpace { get; }

    /// <inheritdoc />
    public EnvSpec? Spec { get; set; }

    /// <inheritdoc />
    public IEnv Unwrapped => this;

    /// <summary>The env's generator; seeded by <see cref="Reset"/>.</summary>
    protected Rng Random => _random ??= Rng.FromEntropy();

    /// <summary>The generator, for checkpointing its state.</summary>
    public Rng Generator => Random;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object>? Reset(Span<float> observation, long? seed = null)
    {
        CheckObservationBuffer(observation);
        if (seed is long s)
        {
            if (_random is null) _random = new Rng(s);
            else _random.Reseed(s);
        }
        _started = true;
        return ResetCore(observation);
    }

    /// <inheritdoc />
    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (!_started)
            throw new InvalidOperationException($"{Name}: Step was called before Reset; call Reset(observation, seed) to start an episode first");
        CheckObservationBuffer(observation);
        if (action.Length != ActionSpace.FlatSize)
            throw new ArgumentException($"{Name}: Step got an action of length {action.Length}, but the action space {ActionSpace} takes {ActionSpace.FlatSize} value(s)", nameof(action));
        return StepCore(action, observation);
    }

    /// <summary>Starts an episode using <see cref="Random"/>.</summary>
    protected abstract IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation);

    /// <summary>Advances one step; the action has the right length (its values are the env's to check).</summary>
    protected abstract StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation);

    /// <summary>
    /// Marks the env as started without <see cref="Reset"/>, for envs whose state is set directly
    /// (e.g. a test placing CartPole in a recorded state).
    /// </summary>
    protected void MarkStarted() => _started = true;

    /// <summary>The id used in messages.</summary>
    protected string Name => Spec?.Id ?? GetType().Name;

    /// <summary>Reads a discrete action and checks it lies in <paramref name="space"/>.</summary>
    protected int DiscreteAction(ReadOnlySpan<float> action, Discrete space)
    {
        float a = action[0];
        if (!space.Contains(action))
            throw new ArgumentException($"{Name}: action {a.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not in the action space {space}; give an integer in [{space.Start}, {space.Start + space.N - 1}]", nameof(action));
        return (int)a;
    }

    void CheckObservationBuffer(Span<float> observation)
    {
        if (observation.Length != ObservationSpace.FlatSize)
            throw new ArgumentException($"{Name}: observation buffer has length {observation.Length}, the observation space {ObservationSpace} needs {ObservationSpace.FlatSize}", nameof(observation));
    }

    /// <inheritdoc />
    public void SaveState(BinaryWriter writer)
    {
        writer.Write(GetType().FullName!);
        foreach (ulong w in Random.GetState()) writer.Write(w);
        writer.Write(_started);
        SaveCore(writer);
    }

    /// <inheritdoc />
    public void LoadState(BinaryReader reader)
    {
        string type = reader.ReadString();
        if (type != GetType().FullName)
            throw new InvalidDataException($"{Name}: saved state belongs to {type}, not {GetType().FullName}");
        var words = new ulong[6];
        for (int i = 0; i < words.Length; i++) words[i] = reader.ReadUInt64();
        Random.SetState(words);
        _started = reader.ReadBoolean();
        LoadCore(reader);
    }

    /// <summary>Writes the env's own state (everything besides the generator, which the base saves).</summary>
    protected abstract void SaveCore(BinaryWriter writer);

    /// <summary>Reads what <see cref="SaveCore"/> wrote.</summary>
    protected abstract void LoadCore(BinaryReader reader);

    /// <inheritdoc />
    public virtual void Dispose() => GC.SuppressFinalize(this);
}
