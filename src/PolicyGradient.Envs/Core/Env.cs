using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments;

/// <summary>
/// Base class for environments: owns the seeded generator (<see cref="Random"/>) with Gymnasium's
/// reset semantics (a seed reseeds, no seed continues the stream, the first reset without a seed
/// draws one from OS entropy) and checks buffer and action lengths. (The Reset-before-Step order is
/// enforced by the wrappers <see cref="Envs.Make"/> adds, as gymnasium.make does, so an env built
/// directly can be placed in a state and stepped.)
/// </summary>
public abstract class Env : IEnv, IStatefulEnv
{
    Rng? _random;
    int _obsSize = -1, _actSize = -1; // the spaces' flat sizes, read once: spaces do not change after construction

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
        return ResetCore(observation);
    }

    /// <inheritdoc />
    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (_actSize < 0) CacheSizes();
        if (observation.Length != _obsSize) CheckObservationBuffer(observation);
        if (action.Length != _actSize)
            throw new ArgumentException($"{Name}: Step got an action of length {action.Length}, but the action space {ActionSpace} takes {ActionSpace.FlatSize} value(s)", nameof(action));
        return StepCore(action, observation);
    }

    /// <summary>Starts an episode using <see cref="Random"/>.</summary>
    protected abstract IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation);

    /// <summary>Advances one step; the action has the right length (its values are the env's to check).</summary>
    protected abstract StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation);

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

    void CacheSizes()
    {
        _obsSize = ObservationSpace.FlatSize;
        _actSize = ActionSpace.FlatSize;
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
        LoadCore(reader);
    }

    /// <summary>Writes the env's own state (everything besides the generator, which the base saves).</summary>
    protected abstract void SaveCore(BinaryWriter writer);

    /// <summary>Reads what <see cref="SaveCore"/> wrote.</summary>
    protected abstract void LoadCore(BinaryReader reader);

    /// <inheritdoc />
    public virtual void Dispose() => GC.SuppressFinalize(this);
}
