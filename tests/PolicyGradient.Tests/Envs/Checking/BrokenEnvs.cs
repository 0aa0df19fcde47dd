using PolicyGradient.Environments;
using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Tests.EnvTests.Checking;

/// <summary>A sound little env (a random walk); subclasses break one rule each.</summary>
internal class WalkEnv : Env
{
    protected double Position;
    protected int T;

    public override Space ObservationSpace { get; } = new Box(-100, 100, 2);
    public override Space ActionSpace { get; } = new Discrete(2);

    protected override IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation)
    {
        Position = Random.Uniform(-1, 1);
        T = 0;
        Write(observation);
        return null;
    }

    protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
    {
        int a = DiscreteAction(action, (Discrete)ActionSpace);
        Position += (a == 1 ? 0.5 : -0.5) + Noise();
        T++;
        Write(observation);
        return new StepResult(-Math.Abs(Position), Terminated: Math.Abs(Position) > 5, Truncated: T >= 50);
    }

    protected virtual double Noise() => 0.1 * Random.Normal();

    protected virtual void Write(Span<float> o)
    {
        o[0] = (float)Position;
        o[1] = T;
    }

    protected override void SaveCore(BinaryWriter writer) { writer.Write(Position); writer.Write(T); }
    protected override void LoadCore(BinaryReader reader) { Position = reader.ReadDouble(); T = reader.ReadInt32(); }
}

/// <summary>Writes three values into a two-value observation.</summary>
internal sealed class TooLongObservationEnv : WalkEnv
{
    protected override void Write(Span<float> o) { o[0] = (float)Position; o[1] = T; o[2] = 0; }
}

/// <summary>Writes one value of a two-value observation.</summary>
internal sealed class TooShortObservationEnv : WalkEnv
{
    protected override void Write(Span<float> o) => o[0] = (float)Position;
}

/// <summary>Produces NaN after a few steps.</summary>
internal sealed class NaNObservationEnv : WalkEnv
{
    protected override void Write(Span<float> o) { o[0] = T >= 3 ? float.NaN : (float)Position; o[1] = T; }
}

/// <summary>Draws its noise from a generator that Reset does not reseed.</summary>
internal sealed class UnseededEnv : WalkEnv
{
    readonly System.Random _shared = new();
    protected override double Noise() => _shared.NextDouble() - 0.5;
}

/// <summary>Reports observations beyond its declared bounds (the step counter reaches 50 but the space says ≤ 10).</summary>
internal sealed class OutsideSpaceEnv : WalkEnv
{
    public override Space ObservationSpace { get; } = new Box([-100f, 0f], [100f, 10f]);
}

/// <summary>Rejects action 1 although its space is Discrete(2).</summary>
internal sealed class RejectsActionEnv : WalkEnv
{
    protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (action[0] == 1) throw new ArgumentException("action 1 is not supported");
        return base.StepCore(action, observation);
    }
}

/// <summary>Forgets its position on LoadState.</summary>
internal sealed class ForgetfulStateEnv : WalkEnv
{
    protected override void LoadCore(BinaryReader reader) { reader.ReadDouble(); T = reader.ReadInt32(); Position = 0; }
}

/// <summary>Returns an infinite reward.</summary>
internal sealed class InfiniteRewardEnv : WalkEnv
{
    protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation) =>
        base.StepCore(action, observation) with { Reward = double.PositiveInfinity };
}
