using PolicyGradient.Environments;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Vector;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Tests.Algorithms.OnPolicy;

/// <summary>
/// A test env whose valid actions change every step: Discrete(n) (or MultiDiscrete(3, 4)), each state
/// allows a random subset (at least one choice per dimension) and shows it as the observation. The
/// reward favours the highest action index, so an unmasked policy would drift onto invalid actions;
/// the env counts every action its current mask forbids in <see cref="Violations"/>. It has no mask
/// of its own: <see cref="Masked"/> adds one through <see cref="ActionMasker"/> (the user-function path).
/// </summary>
internal sealed class MaskedToyEnv : Env
{
    readonly Space _action;
    readonly bool[] _mask;
    int _t;

    public MaskedToyEnv(Space action)
    {
        _action = action;
        _mask = new bool[ActionMasks.Size(action)];
        ObservationSpace = new Box(0, 1, _mask.Length);
    }

    public override Space ObservationSpace { get; }
    public override Space ActionSpace => _action;
    public int Violations { get; private set; }
    public int Steps { get; private set; }

    public void WriteMask(Span<bool> mask) => _mask.CopyTo(mask);

    protected override IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation)
    {
        _t = 0;
        Draw(observation);
        return null;
    }

    protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
    {
        Steps++;
        if (!ActionMasks.Allows(_action, _mask, action)) Violations++;
        double reward = 0;
        foreach (float a in action) reward += a;
        _t++;
        Draw(observation);
        return new StepResult(reward, false, _t >= 8);
    }

    void Draw(Span<float> observation)
    {
        int[] blocks = _action is MultiDiscrete m ? m.Nvec : [_mask.Length];
        for (int d = 0, offset = 0; d < blocks.Length; offset += blocks[d], d++)
        {
            for (int j = 0; j < blocks[d]; j++) _mask[offset + j] = Random.NextDouble() < 0.4;
            _mask[offset + Random.NextInt(blocks[d])] = true;
        }
        for (int j = 0; j < _mask.Length; j++) observation[j] = _mask[j] ? 1f : 0f;
    }

    protected override void SaveCore(BinaryWriter writer)
    {
        writer.Write(_t);
        foreach (bool b in _mask) writer.Write(b);
    }

    protected override void LoadCore(BinaryReader reader)
    {
        _t = reader.ReadInt32();
        for (int j = 0; j < _mask.Length; j++) _mask[j] = reader.ReadBoolean();
    }

    /// <summary>The env with its mask added by <see cref="ActionMasker"/> from a user function.</summary>
    public static IEnv Masked(Space action) =>
        new ActionMasker(new MaskedToyEnv(action), (env, mask) => ((MaskedToyEnv)env.Unwrapped).WriteMask(mask));

    public static SyncVectorEnv Vector(Space action, int n) => new(_ => new RecordEpisodeStatistics(Masked(action)), n);

    public static int TotalViolations(SyncVectorEnv env) => env.Envs.Sum(e => ((MaskedToyEnv)e.Unwrapped).Violations);
}
