using PolicyGradient.Environments.ClassicControl;
using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.Goals;

/// <summary>
/// A goal-conditioned grid world with a <see cref="Dict"/> observation: on a size × size grid
/// (default 5) the agent starts in a random cell and must reach a random goal cell, different from
/// the start. Observation Dict('position': Box(0, 1, (2,)) — the agent's (column, row) / (size − 1);
/// 'goal': Discrete(size²) — the goal cell, row-major). Actions Discrete(4): up, right, down, left
/// (a move into the wall stays). Reward +1 on reaching the goal (terminated), −0.02 per other step.
/// The policy must read the goal from its one-hot encoding (FlattenDictObservation) to act well.
/// Registered as GoalGridWorld-v0 (50-step limit, threshold 0.9: the optimal mean is about 0.95).
/// </summary>
public sealed class GoalGridWorld : Env
{
    const string Id = "GoalGridWorld-v0";
    const double StepCost = 0.02;
    readonly int _size;
    readonly Dict _observations;
    readonly Discrete _actions = new(4);
    int _x, _y, _goal;

    /// <summary>Builds the env from its kwargs (<c>size</c>, 2..20, default 5).</summary>
    public GoalGridWorld(IReadOnlyDictionary<string, object>? kwargs = null)
    {
        kwargs ??= new Dictionary<string, object>();
        Kwargs.CheckKnown(Id, kwargs, "size");
        double size = Kwargs.Number(Id, kwargs, "size", 5);
        if (size != Math.Floor(size) || size < 2 || size > 20)
            throw new ArgumentException($"{Id}: size must be an integer in [2, 20], got {size}", nameof(kwargs));
        _size = (int)size;
        _observations = new Dict(("position", new Box(0f, 1f, 2)), ("goal", new Discrete(_size * _size)));
    }

    /// <inheritdoc />
    public override Space ObservationSpace => _observations;

    /// <inheritdoc />
    public override Space ActionSpace => _actions;

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation)
    {
        int cells = _size * _size;
        _goal = Random.NextInt(cells);
        int start = (_goal + 1 + Random.NextInt(cells - 1)) % cells; // any cell but the goal
        (_x, _y) = (start % _size, start / _size);
        Observe(observation);
        return null;
    }

    /// <inheritdoc />
    protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
    {
        switch (DiscreteAction(action, _actions))
        {
            case 0: _y = Math.Max(0, _y - 1); break;
            case 1: _x = Math.Min(_size - 1, _x + 1); break;
            case 2: _y = Math.Min(_size - 1, _y + 1); break;
            default: _x = Math.Max(0, _x - 1); break;
        }
        Observe(observation);
        bool reached = _y * _size + _x == _goal;
        return new StepResult(reached ? 1.0 : -StepCost, reached, false);
    }

    void Observe(Span<float> observation)
    {
        float scale = 1f / (_size - 1);
        observation[0] = _x * scale;
        observation[1] = _y * scale;
        observation[2] = _goal;
    }

    /// <inheritdoc />
    protected override void SaveCore(BinaryWriter writer)
    {
        writer.Write(_x); writer.Write(_y); writer.Write(_goal);
    }

    /// <inheritdoc />
    protected override void LoadCore(BinaryReader reader)
    {
        _x = reader.ReadInt32(); _y = reader.ReadInt32(); _goal = reader.ReadInt32();
    }
}
