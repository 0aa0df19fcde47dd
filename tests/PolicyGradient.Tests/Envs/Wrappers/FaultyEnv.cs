using PolicyGradient.Environments;
using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Tests.EnvTests.Wrappers;

/// <summary>What a <see cref="FaultyEnv"/> does wrong at its fault step.</summary>
public enum Fault { None, NaNObservation, InfiniteObservation, NaNReward, InfiniteReward, Throws, UnwrittenObservation, AboveHigh, BelowLow, ResetThrows, NaNOnReset }

/// <summary>
/// A deliberately broken user env: a deterministic walk on a Box([-1, -0.4189], [1, 0.4189]) that
/// behaves until step <see cref="FaultStep"/>, then commits <see cref="Kind"/>. Terminates when
/// the action is 2 (so tests can end an episode on purpose).
/// </summary>
internal sealed class FaultyEnv(Fault kind, int faultStep = 3) : Env
{
    public const float High1 = 0.4189f;
    int _t;

    public Fault Kind { get; } = kind;
    public int FaultStep { get; } = faultStep;
    public override Space ObservationSpace { get; } = new Box([-1f, -High1], [1f, High1]);
    public override Space ActionSpace { get; } = new Discrete(3);

    protected override IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation)
    {
        if (Kind == Fault.ResetThrows) throw new IOException("simulator socket closed");
        _t = 0;
        observation[0] = 0.25f;
        observation[1] = Kind == Fault.NaNOnReset ? float.NaN : 0f;
        return null;
    }

    protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
    {
        int a = DiscreteAction(action, (Discrete)ActionSpace);
        _t++;
        bool fault = _t == FaultStep;
        if (fault && Kind == Fault.Throws) throw new InvalidCastException("boom in user code");
        observation[0] = 0.01f * _t;
        if (!(fault && Kind == Fault.UnwrittenObservation)) observation[1] = 0.1f;
        if (fault)
        {
            switch (Kind)
            {
                case Fault.NaNObservation: observation[1] = float.NaN; break;
                case Fault.InfiniteObservation: observation[0] = float.PositiveInfinity; break;
                case Fault.AboveHigh: observation[1] = 0.52f; break;
                case Fault.BelowLow: observation[0] = -1.5f; break;
            }
        }
        double reward = fault ? Kind switch { Fault.NaNReward => double.NaN, Fault.InfiniteReward => double.NegativeInfinity, _ => 1 } : 1;
        return new StepResult(reward, Terminated: a == 2, Truncated: false);
    }

    protected override void SaveCore(BinaryWriter writer) => writer.Write(_t);
    protected override void LoadCore(BinaryReader reader) => _t = reader.ReadInt32();
}
