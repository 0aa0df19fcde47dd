using PolicyGradient.Environments;
using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Tests.EnvTests;

/// <summary>Emits a fixed sequence of 1-d observations and rewards; terminates after the last one (or never, when <c>loop</c>).</summary>
internal sealed class SequenceEnv(float[] observations, double[] rewards, bool loop = false) : Env
{
    int _t;

    public override Space ObservationSpace { get; } = new Box(float.MinValue, float.MaxValue, 1);
    public override Space ActionSpace { get; } = new Discrete(2);

    protected override IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation)
    {
        _t = 0;
        observation[0] = observations[0];
        return null;
    }

    protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
    {
        DiscreteAction(action, (Discrete)ActionSpace);
        _t++;
        int i = loop ? _t % observations.Length : Math.Min(_t, observations.Length - 1);
        observation[0] = observations[i];
        double reward = rewards[(_t - 1) % rewards.Length];
        return new StepResult(reward, Terminated: !loop && _t >= observations.Length - 1, Truncated: false);
    }

    protected override void SaveCore(BinaryWriter writer) => writer.Write(_t);
    protected override void LoadCore(BinaryReader reader) => _t = reader.ReadInt32();
}

/// <summary>A one-dimensional continuous-action env that records the last action it received.</summary>
internal sealed class ActionEchoEnv(float low, float high) : Env
{
    public float LastAction { get; private set; }
    public override Space ObservationSpace { get; } = new Box(float.MinValue, float.MaxValue, 1);
    public override Space ActionSpace { get; } = new Box(low, high, 1);

    protected override IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation)
    {
        observation[0] = 0;
        return null;
    }

    protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (!ActionSpace.Contains(action)) throw new ArgumentException($"action {action[0]} outside {ActionSpace}");
        LastAction = action[0];
        observation[0] = action[0];
        return new StepResult(0, false, false);
    }

    protected override void SaveCore(BinaryWriter writer) { }
    protected override void LoadCore(BinaryReader reader) { }
}
