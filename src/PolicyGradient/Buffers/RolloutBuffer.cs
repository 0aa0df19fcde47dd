using System.Runtime.InteropServices;
using PolicyGradient.Estimators;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Buffers;

/// <summary>
/// A fixed-length on-policy rollout of N vectorised environments over T steps (SB3's RolloutBuffer),
/// stored time-major in preallocated CPU tensors that are written through spans, so collecting a
/// step allocates nothing. Row t holds s_t, a_t (unclipped, for the log-probability), log π(a_t|s_t),
/// V(s_t), r_t, terminated_t, done_t and V'_t — the value of the TRUE next state of step t:
/// V(s_{t+1}) when the episode goes on, V(final observation) when it was truncated (time limit:
/// bootstrap, Pardo et al. 2018), and 0 when it terminated. <see cref="ComputeAdvantages"/> then runs
/// GAE (<see cref="GeneralizedAdvantageEstimation"/>) on these rows.
/// </summary>
public sealed class RolloutBuffer : IDisposable
{
    /// <summary>Creates an empty buffer; <paramref name="actionMaskSize"/> &gt; 0 also stores each step's action mask (masked envs).</summary>
    public RolloutBuffer(int numSteps, int numEnvs, int observationSize, int actionSize, int actionMaskSize = 0)
    {
        if (numSteps <= 0) throw new ArgumentOutOfRangeException(nameof(numSteps), numSteps, "n_steps must be >= 1");
        if (numEnvs <= 0) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, "n_envs must be >= 1");
        NumSteps = numSteps; NumEnvs = numEnvs; ObservationSize = observationSize; ActionSize = actionSize;
        Tensor Make(params long[] shape) => torch.zeros(shape, ScalarType.Float32).DetachFromDisposeScope();
        Observations = Make(numSteps, numEnvs, observationSize);
        Actions = Make(numSteps, numEnvs, actionSize);
        LogProbs = Make(numSteps, numEnvs);
        Values = Make(numSteps, numEnvs);
        NextValues = Make(numSteps, numEnvs);
        Rewards = Make(numSteps, numEnvs);
        Terminated = Make(numSteps, numEnvs);
        Dones = Make(numSteps, numEnvs);
        Advantages = Make(numSteps, numEnvs);
        Returns = Make(numSteps, numEnvs);
        ActionMaskSize = actionMaskSize;
        if (actionMaskSize > 0) ActionMasks = Make(numSteps, numEnvs, actionMaskSize);
    }

    /// <summary>Entries of one step's action mask (0: the env provides no masks).</summary>
    public int ActionMaskSize { get; }

    /// <summary>
    /// The action mask of s_t (1 = allowed), [T, N, mask], or null without masks: the update evaluates
    /// log π and the entropy under the mask the action was sampled with (Huang and Ontañón 2020).
    /// </summary>
    public Tensor? ActionMasks { get; }

    /// <summary>Writes the masks [N × mask] of the step the next <see cref="Add"/> appends (call before it); returns the row as floats.</summary>
    public ReadOnlySpan<float> SetActionMasks(ReadOnlySpan<bool> masks)
    {
        CheckNotFull();
        if (ActionMasks is null) throw new InvalidOperationException("this buffer stores no action masks (actionMaskSize = 0)");
        int width = NumEnvs * ActionMaskSize;
        if (masks.Length != width) throw new ArgumentException($"masks must hold N × mask = {width} entries, got {masks.Length}", nameof(masks));
        var row = Floats(ActionMasks).Slice(Position * width, width);
        for (int i = 0; i < width; i++) row[i] = masks[i] ? 1f : 0f;
        return row;
    }

    /// <summary>T, steps per environment.</summary>
    public int NumSteps { get; }
    /// <summary>N, environments.</summary>
    public int NumEnvs { get; }
    /// <summary>Floats per observation.</summary>
    public int ObservationSize { get; }
    /// <summary>Floats per action.</summary>
    public int ActionSize { get; }
    /// <summary>Rows filled so far (0..T).</summary>
    public int Position { get; private set; }
    /// <summary>True when all T rows are filled.</summary>
    public bool Full => Position == NumSteps;

    /// <summary>s_t, [T, N, obs].</summary>
    public Tensor Observations { get; }
    /// <summary>a_t as sampled (Box actions unclipped), [T, N, act].</summary>
    public Tensor Actions { get; }
    /// <summary>log π_old(a_t|s_t), [T, N].</summary>
    public Tensor LogProbs { get; }
    /// <summary>V_old(s_t), [T, N].</summary>
    public Tensor Values { get; }
    /// <summary>V'_t: value of the true next state (see the class remarks), [T, N].</summary>
    public Tensor NextValues { get; }
    /// <summary>r_t (after any reward normalization), [T, N].</summary>
    public Tensor Rewards { get; }
    /// <summary>1 where step t terminated the episode, [T, N].</summary>
    public Tensor Terminated { get; }
    /// <summary>1 where step t ended the episode (terminated or truncated), [T, N].</summary>
    public Tensor Dones { get; }
    /// <summary>GAE advantages, [T, N] (after <see cref="ComputeAdvantages"/>).</summary>
    public Tensor Advantages { get; }
    /// <summary>λ-returns A + V, [T, N] (after <see cref="ComputeAdvantages"/>).</summary>
    public Tensor Returns { get; }

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <summary>The row where the caller writes s_t of the next <see cref="Add"/> (N × obs floats).</summary>
    public Span<float> NextObservationRow()
    {
        CheckNotFull();
        return Floats(Observations).Slice(Position * NumEnvs * ObservationSize, NumEnvs * ObservationSize);
    }

    /// <summary>
    /// Appends step t = <see cref="Position"/> (its observation already written to
    /// <see cref="NextObservationRow"/>): actions [N × act], log-probabilities, values and rewards [N],
    /// flags [N]. V(s_t) also becomes V'_{t−1} for the copies whose episode went on.
    /// </summary>
    public void Add(ReadOnlySpan<float> actions, ReadOnlySpan<float> logProbs, ReadOnlySpan<float> values,
        ReadOnlySpan<float> rewards, ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated)
    {
        CheckNotFull();
        int n = NumEnvs, t = Position, row = t * n;
        actions.CopyTo(Floats(Actions).Slice(row * ActionSize, n * ActionSize));
        logProbs[..n].CopyTo(Floats(LogProbs).Slice(row, n));
        values[..n].CopyTo(Floats(Values).Slice(row, n));
        rewards[..n].CopyTo(Floats(Rewards).Slice(row, n));
        Span<float> term = Floats(Terminated).Slice(row, n), done = Floats(Dones), next = Floats(NextValues);
        for (int i = 0; i < n; i++)
        {
            term[i] = terminated[i] ? 1f : 0f;
            done[row + i] = terminated[i] || truncated[i] ? 1f : 0f;
            next[row + i] = 0f; // terminated: no bootstrap; otherwise filled by the next step, SetNextValue or Finish
            if (t > 0 && done[row - n + i] == 0f) next[row - n + i] = values[i];
        }
        Position++;
    }

    /// <summary>Sets V'_t of the last added step for copy <paramref name="env"/> (V(final observation) after a truncation).</summary>
    public void SetNextValue(int env, float value)
    {
        if (Position == 0) throw new InvalidOperationException("no step has been added yet");
        Floats(NextValues)[(Position - 1) * NumEnvs + env] = value;
    }

    /// <summary>Closes a full rollout: V'_{T−1} = V(s_T) for the copies whose episode goes on.</summary>
    public void Finish(ReadOnlySpan<float> lastValues)
    {
        if (!Full) throw new InvalidOperationException($"the rollout has {Position} of {NumSteps} steps");
        int row = (NumSteps - 1) * NumEnvs;
        Span<float> done = Floats(Dones), next = Floats(NextValues);
        for (int i = 0; i < NumEnvs; i++)
            if (done[row + i] == 0f) next[row + i] = lastValues[i];
    }

    /// <summary>Fills <see cref="Advantages"/> and <see cref="Returns"/> with GAE(γ, λ).</summary>
    public void ComputeAdvantages(double gamma, double lambda) =>
        // On the buffer's own memory (CPU float tensors): no tensor op, so a 40-row A2C rollout costs
        // microseconds, not the ~20 libtorch calls of the tensor form; the numbers are the same.
        GeneralizedAdvantageEstimation.Compute(Floats(Rewards), Floats(Values), Floats(NextValues), Floats(Terminated), Floats(Dones),
            NumEnvs, gamma, lambda, Floats(Advantages), Floats(Returns));

    /// <summary>Empties the buffer for the next rollout (the tensors are reused).</summary>
    public void Reset() => Position = 0;

    void CheckNotFull()
    {
        if (Full) throw new InvalidOperationException($"the rollout buffer is full ({NumSteps} steps); call Reset");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in new[] { Observations, Actions, LogProbs, Values, NextValues, Rewards, Terminated, Dones, Advantages, Returns })
            t.Dispose();
        ActionMasks?.Dispose();
    }
}
