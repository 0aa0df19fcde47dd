using System.Globalization;
using System.Runtime.CompilerServices;
using PolicyGradient.Environments.Checking;
using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.Wrappers;

/// <summary>
/// Checks every Reset and Step of the wrapped env against the <see cref="IEnv"/> contract and turns
/// each violation into an <see cref="EnvContractException"/> naming the env id, the call, the step
/// of the episode and the offending value, at the step where it happens: a NaN or infinite
/// observation element or reward, an observation element the env did not write, an exception
/// thrown by the env (wrapped, with the action that was given), a non-finite action, a Step before
/// Reset or after the episode ended, and — in <see cref="Strict"/> mode only — an observation
/// outside the observation space.
/// </summary>
/// <remarks>
/// <para>Caller errors keep their documented type: a discrete action outside the action space or a
/// buffer of the wrong length throws <see cref="ArgumentException"/> before the env is called, so
/// the env's state is untouched.</para>
/// <para>The happy path allocates nothing and costs one pass over the observation (plus a fill of
/// the buffer with a sentinel to detect unwritten elements), so the guard can stay on in training;
/// the measured overhead on CartPole is in docs/reliability-envs.md.</para>
/// <para>Strict mode is off by default because Gymnasium's own bounds are sometimes only nominal
/// (an env may step slightly past a bound on its terminating step); turn it on for user envs whose
/// spaces are meant to be exact.</para>
/// </remarks>
public sealed class GuardedEnv : Wrapper
{
    readonly int _obsSize, _actSize;
    readonly Space _actionSpace, _observationSpace;
    readonly bool _discreteActions;
    readonly float[]? _low, _high; // the observation Box's bounds, for strict mode
    bool _started, _ended, _endedByTermination;
    int _episodeStep;

    /// <summary>Guards <paramref name="env"/>.</summary>
    /// <param name="env">The env to check.</param>
    /// <param name="strict">Also require every observation to lie inside the observation space.</param>
    public GuardedEnv(IEnv env, bool strict = false) : base(env)
    {
        _observationSpace = env.ObservationSpace ?? throw new ArgumentException($"{Describe(env)}: ObservationSpace is null", nameof(env));
        _actionSpace = env.ActionSpace ?? throw new ArgumentException($"{Describe(env)}: ActionSpace is null", nameof(env));
        _obsSize = _observationSpace.FlatSize;
        _actSize = _actionSpace.FlatSize;
        _discreteActions = _actionSpace.IsDiscrete;
        Strict = strict;
        if (strict && _observationSpace is Box box) { _low = box.Low; _high = box.High; }
    }

    /// <summary>True when observations outside the observation space are violations too.</summary>
    public bool Strict { get; }

    /// <summary>Steps taken in the current episode.</summary>
    public int EpisodeStep => _episodeStep;

    /// <inheritdoc />
    /// <exception cref="EnvContractException">The env threw, or its first observation breaks the contract.</exception>
    public override IReadOnlyDictionary<string, object>? Reset(Span<float> observation, long? seed = null)
    {
        if (observation.Length != _obsSize) throw BufferLength(observation.Length);
        observation.Fill(EnvChecker.Unwritten);
        IReadOnlyDictionary<string, object>? info;
        try { info = Env.Reset(observation, seed); }
        catch (Exception ex) when (ex is not EnvContractException) { throw ResetThrew(seed, ex); }
        if (FirstBadElement(observation) >= 0) throw BadObservation(observation, "Reset", 0, ResetText(seed));
        _started = true;
        _ended = false;
        _episodeStep = 0;
        return info;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A discrete action outside the action space, or a buffer of the wrong length (the env is not called).</exception>
    /// <exception cref="EnvContractException">The call order is wrong, the action is not finite, the env threw, or its result breaks the contract.</exception>
    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (!_started || _ended) throw OutOfOrder();
        if (action.Length != _actSize) throw ActionLength(action.Length);
        if (observation.Length != _obsSize) throw BufferLength(observation.Length);
        if (_discreteActions)
        {
            if (!_actionSpace.Contains(action)) throw ActionOutsideSpace(action);
        }
        else
        {
            for (int i = 0; i < action.Length; i++)
                if (!float.IsFinite(action[i])) throw NonFiniteAction(action, i);
        }

        int step = _episodeStep + 1;
        observation.Fill(EnvChecker.Unwritten);
        StepResult r;
        try { r = Env.Step(action, observation); }
        catch (Exception ex) when (ex is not EnvContractException) { throw StepThrew(action, step, ex); }
        if (FirstBadElement(observation) >= 0) throw BadObservation(observation, "Step", step, $"{step} of the episode {ActionText(action)}");
        if (!double.IsFinite(r.Reward)) throw NonFiniteReward(action, step, r.Reward);

        _episodeStep = step;
        if (r.Terminated || r.Truncated)
        {
            _ended = true;
            _endedByTermination = r.Terminated;
        }
        return r;
    }

    /// <summary>
    /// Index of the first element that is unwritten, not finite, or (strict mode) outside the
    /// bounds; -1 when all are fine. The only per-step work of the guard.
    /// </summary>
    int FirstBadElement(ReadOnlySpan<float> o)
    {
        if (_low is { } low && _high is { } high)
        {
            for (int i = 0; i < o.Length; i++)
            {
                float v = o[i];
                // NaN fails both comparisons, so test finiteness explicitly.
                if (!float.IsFinite(v) || v == EnvChecker.Unwritten || v < low[i] || v > high[i]) return i;
            }
            return -1;
        }
        for (int i = 0; i < o.Length; i++)
        {
            float v = o[i];
            if (!float.IsFinite(v) || v == EnvChecker.Unwritten) return i;
        }
        // Strict mode on a non-Box observation space: the space decides (rare; costs a Contains).
        if (Strict && !_observationSpace.Contains(o)) return o.Length;
        return -1;
    }

    // ---- failure paths: everything below runs only when a violation is thrown ----

    string Id => Describe(Env);

    static string Describe(IEnv env) => env.Spec?.Id ?? env.Unwrapped.GetType().Name;

    [MethodImpl(MethodImplOptions.NoInlining)]
    EnvContractException BadObservation(ReadOnlySpan<float> o, string call, int step, string context)
    {
        int i = FirstBadElement(o);
        string what;
        if (i == o.Length)
            what = $"returned observation {Format(o)}, which is not in the observation space {_observationSpace}; fix the env or its space (or use the guard without strict mode)";
        else if (o[i] == EnvChecker.Unwritten)
            what = $"did not write observation[{i}]; an env must write every element of the observation buffer on each Reset and Step";
        else if (!float.IsFinite(o[i]))
            what = $"returned observation[{i}] = {Format(o[i])}; observations must be finite (look for a division by zero or an overflow in the dynamics)";
        else if (o[i] < _low![i])
            what = $"returned observation[{i}] = {Format(o[i])}, below the observation space's low {Format(_low[i])}; fix the dynamics or widen the space (or use the guard without strict mode)";
        else
            what = $"returned observation[{i}] = {Format(o[i])}, above the observation space's high {Format(_high![i])}; fix the dynamics or widen the space (or use the guard without strict mode)";
        return new EnvContractException(Id, call, step, $"{Id}: {call} {context} {what}");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    EnvContractException NonFiniteReward(ReadOnlySpan<float> action, int step, double reward) =>
        new(Id, "Step", step, $"{Id}: Step {step} of the episode (action {Format(action)}) returned reward {Format(reward)}; rewards must be finite");

    [MethodImpl(MethodImplOptions.NoInlining)]
    EnvContractException StepThrew(ReadOnlySpan<float> action, int step, Exception ex) =>
        new(Id, "Step", step, $"{Id}: Step {step} of the episode threw {ex.GetType().Name} for action {Format(action)}: {ex.Message}", ex);

    [MethodImpl(MethodImplOptions.NoInlining)]
    EnvContractException ResetThrew(long? seed, Exception ex) =>
        new(Id, "Reset", 0, $"{Id}: Reset {ResetText(seed)} threw {ex.GetType().Name}: {ex.Message}", ex);

    [MethodImpl(MethodImplOptions.NoInlining)]
    EnvContractException NonFiniteAction(ReadOnlySpan<float> action, int i) =>
        new(Id, "Step", _episodeStep + 1, $"{Id}: Step {_episodeStep + 1} of the episode was given action[{i}] = {Format(action[i])}; actions must be finite (the policy produced a non-finite value: has training diverged?)");

    [MethodImpl(MethodImplOptions.NoInlining)]
    EnvContractException OutOfOrder() => _started
        ? new(Id, "Step", _episodeStep + 1, $"{Id}: Step was called after the episode ended ({(_endedByTermination ? "terminated" : "truncated")} at step {_episodeStep}) without Reset; call Reset before stepping again (vector envs do this automatically)")
        : new(Id, "Step", 1, $"{Id}: Step was called before Reset; call Reset(observation, seed) to start an episode first");

    [MethodImpl(MethodImplOptions.NoInlining)]
    ArgumentException ActionOutsideSpace(ReadOnlySpan<float> action) =>
        new($"{Id}: action {Format(action)} is not in the action space {_actionSpace}; the env was not stepped", "action");

    [MethodImpl(MethodImplOptions.NoInlining)]
    ArgumentException ActionLength(int length) =>
        new($"{Id}: Step got an action of length {length}, but the action space {_actionSpace} takes {_actSize} value(s)", "action");

    [MethodImpl(MethodImplOptions.NoInlining)]
    ArgumentException BufferLength(int length) =>
        new($"{Id}: observation buffer has length {length}, the observation space {_observationSpace} needs {_obsSize}", "observation");

    static string ResetText(long? seed) => seed is long s ? $"(seed {s})" : "(no seed)";

    static string ActionText(ReadOnlySpan<float> action) => $"(action {Format(action)})";

    static string Format(float v) => v.ToString("R", CultureInfo.InvariantCulture);

    static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    static string Format(ReadOnlySpan<float> values)
    {
        var parts = new string[values.Length];
        for (int i = 0; i < values.Length; i++) parts[i] = Format(values[i]);
        return "[" + string.Join(", ", parts) + "]";
    }

    /// <inheritdoc />
    protected override void SaveWrapperState(BinaryWriter writer)
    {
        writer.Write(_started);
        writer.Write(_ended);
        writer.Write(_endedByTermination);
        writer.Write(_episodeStep);
    }

    /// <inheritdoc />
    protected override void LoadWrapperState(BinaryReader reader)
    {
        _started = reader.ReadBoolean();
        _ended = reader.ReadBoolean();
        _endedByTermination = reader.ReadBoolean();
        _episodeStep = reader.ReadInt32();
    }
}
