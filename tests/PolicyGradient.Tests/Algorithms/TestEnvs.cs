using PolicyGradient.Environments;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Vector;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Tests.Algorithms;

/// <summary>
/// A tiny env for any action space: observation (x, t/10), reward −|x − a-dependent target|-like
/// signal, 10 steps then truncated; terminates when x leaves [−3, 3]. Deterministic given the seed.
/// </summary>
internal sealed class ToyEnv : Env
{
    readonly Space _action;
    float _x; int _t;
    public ToyEnv(Space action) => _action = action;
    public override Space ObservationSpace { get; } = new Box(-10, 10, 2);
    public override Space ActionSpace => _action;
    protected override IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation)
    {
        _x = (float)Random.Uniform(-1, 1); _t = 0;
        observation[0] = _x; observation[1] = 0;
        return null;
    }
    protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
    {
        float push = 0;
        foreach (float a in action) push += a - 0.5f;
        _x += 0.1f * push + 0.05f * (float)Random.Normal();
        _t++;
        observation[0] = _x; observation[1] = _t / 10f;
        bool terminated = Math.Abs(_x) > 3;
        return new StepResult(-Math.Abs(_x), terminated, !terminated && _t >= 10);
    }
    protected override void SaveCore(BinaryWriter writer) { writer.Write(_x); writer.Write(_t); }
    protected override void LoadCore(BinaryReader reader) { _x = reader.ReadSingle(); _t = reader.ReadInt32(); }

    public static IVectorEnv Vector(Space action, int n) => new SyncVectorEnv(_ => new RecordEpisodeStatistics(new ToyEnv(action)), n);

    public static IEnumerable<object[]> ActionSpaces() =>
    [
        ["discrete"], ["multidiscrete"], ["multibinary"], ["box"],
    ];

    public static Space Make(string kind) => kind switch
    {
        "discrete" => new Discrete(3),
        "multidiscrete" => new MultiDiscrete(3, 2),
        "multibinary" => new MultiBinary(3),
        _ => new Box(-1, 1, 2),
    };
}
