using System.Globalization;
using System.Runtime.InteropServices;
using PolicyGradient.Core;
using PolicyGradient.Environments.Vector;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Buffers;

/// <summary>
/// The experience replay memory of off-policy actor-critics (DDPG, TD3, SAC; Lin 1992, Mnih et al.
/// 2015): a ring of <c>buffer_size</c> transitions (s_t, a_t, r_t, s'_t, d_t) from a vector env with E
/// copies, preallocated as contiguous CPU float tensors of R = ⌊buffer_size / E⌋ rows × E copies
/// (SB3's layout), written through spans and overwritten oldest-row-first when full.
/// <para>
/// Time limits (Pardo et al. 2018, "Time Limits in Reinforcement Learning"): a step cut by truncation
/// stores its FINAL observation as s'_t with d_t = 0, so the critic bootstraps through it; a step that
/// terminated stores d_t = 1. With same-step autoreset the reset observation of the next episode is
/// never a next observation (it only becomes s_{t+1} of the next row).
/// </para>
/// <para>
/// n-step returns (Sutton 1988; Hessel et al. 2018, Rainbow): with n &gt; 1 a sampled slot (t, e) returns
/// R = Σ_{i=0}^{k−1} γ^i r_{t+i}, s' = s'_{t+k−1}, d = d_{t+k−1} and the bootstrap discount γ^k, where k ≤ n
/// stops early at the first step of copy e that ended its episode (terminated or truncated) and at
/// the newest stored row; rows of other copies are never mixed in. The target
/// R + γ^k (1 − d) Q'(s', ·) is then a valid k-step target in every case. Unlike SB3's
/// n-step buffer (which stops only at d), a truncation also ends the window: the steps after it
/// belong to the next episode.
/// </para>
/// <para>
/// Sampling uses a <see cref="torch.Generator"/> that the caller owns: its state is a tensor
/// (get_state/set_state), so a checkpoint restores the exact draw sequence. A seeded
/// <see cref="Random"/> cannot export its state, so a resumed run would draw other batches.
/// </para>
/// </summary>
public sealed class ReplayBuffer : IDisposable
{
    const int FloatBytes = sizeof(float);
    readonly float[] _rewardScratch;

    /// <summary>
    /// An empty buffer for <paramref name="bufferSize"/> transitions. Checks the memory it needs
    /// (<see cref="RequiredBytes"/>) against <paramref name="memoryLimitBytes"/> (default: the memory
    /// available to this process, <see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>) BEFORE allocating.
    /// </summary>
    /// <exception cref="ArgumentException">Bad sizes, or the buffer does not fit; the message names <c>buffer_size</c> and the size that fits.</exception>
    public ReplayBuffer(int bufferSize, int numEnvs, int observationSize, int actionSize,
        int nSteps = 1, double gamma = 0.99, long? memoryLimitBytes = null)
    {
        if (numEnvs <= 0) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, "n_envs must be >= 1");
        if (bufferSize < numEnvs)
            throw new ArgumentOutOfRangeException(nameof(bufferSize), bufferSize, $"buffer_size must hold at least one transition per env copy (>= n_envs = {numEnvs}); set buffer_size >= {numEnvs}");
        if (observationSize <= 0 || actionSize <= 0)
            throw new ArgumentException($"observation size ({observationSize}) and action size ({actionSize}) must be >= 1");
        if (nSteps < 1) throw new ArgumentOutOfRangeException(nameof(nSteps), nSteps, "n_steps must be >= 1 (1: one-step TD targets)");
        if (!(gamma >= 0 && gamma <= 1)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must lie in [0, 1]");
        long limit = memoryLimitBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        CheckFits(bufferSize, numEnvs, observationSize, actionSize, limit);

        Rows = bufferSize / numEnvs;
        NumEnvs = numEnvs; ObservationSize = observationSize; ActionSize = actionSize;
        NSteps = nSteps; Gamma = gamma;
        Tensor Make(params long[] shape) => torch.zeros(shape, ScalarType.Float32).DetachFromDisposeScope();
        Observations = Make(Rows, numEnvs, observationSize);
        Actions = Make(Rows, numEnvs, actionSize);
        Rewards = Make(Rows, numEnvs);
        NextObservations = Make(Rows, numEnvs, observationSize);
        Dones = Make(Rows, numEnvs);
        EpisodeEnds = Make(Rows, numEnvs);
        _rewardScratch = new float[numEnvs];
    }

    /// <summary>R, rows (steps per copy) the ring holds: ⌊buffer_size / E⌋.</summary>
    public int Rows { get; }
    /// <summary>E, env copies.</summary>
    public int NumEnvs { get; }
    /// <summary>Floats per observation.</summary>
    public int ObservationSize { get; }
    /// <summary>Floats per action.</summary>
    public int ActionSize { get; }
    /// <summary>n of the n-step returns (1: one-step).</summary>
    public int NSteps { get; }
    /// <summary>γ of the n-step returns.</summary>
    public double Gamma { get; }
    /// <summary>The row the next <see cref="Add(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{bool}, ReadOnlySpan{bool})"/> writes (0..R−1).</summary>
    public int Position { get; private set; }
    /// <summary>True once every row has been written (from then on each add overwrites the oldest row).</summary>
    public bool Full { get; private set; }
    /// <summary>Transitions stored: R·E when full, else Position·E.</summary>
    public int Count => (Full ? Rows : Position) * NumEnvs;

    /// <summary>s_t, [R, E, obs].</summary>
    public Tensor Observations { get; }
    /// <summary>a_t, [R, E, act] (as sent to the env, or as the algorithm chooses to store them).</summary>
    public Tensor Actions { get; }
    /// <summary>r_t, [R, E].</summary>
    public Tensor Rewards { get; }
    /// <summary>s'_t: the next state of step t, the final observation where the episode ended, [R, E, obs].</summary>
    public Tensor NextObservations { get; }
    /// <summary>d_t: 1 where step t terminated (no bootstrap), 0 otherwise (truncation included), [R, E].</summary>
    public Tensor Dones { get; }
    /// <summary>1 where step t ended the episode (terminated or truncated), [R, E]: where n-step windows stop.</summary>
    public Tensor EpisodeEnds { get; }

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <summary>Bytes of storage a buffer of these sizes allocates: R·E·(2·obs + act + 3) floats.</summary>
    public static long RequiredBytes(int bufferSize, int numEnvs, int observationSize, int actionSize) =>
        (long)(bufferSize / numEnvs) * numEnvs * (2L * observationSize + actionSize + 3) * FloatBytes;

    static void CheckFits(int bufferSize, int numEnvs, int observationSize, int actionSize, long limit)
    {
        long need = RequiredBytes(bufferSize, numEnvs, observationSize, actionSize);
        long perTransition = (2L * observationSize + actionSize + 3) * FloatBytes;
        if (need > limit)
            throw new ArgumentException(
                $"buffer_size={bufferSize} needs {Describe(need)} ({bufferSize / numEnvs * (long)numEnvs} transitions × {perTransition} bytes: observation size {observationSize}, action size {actionSize}), " +
                $"more than the {Describe(limit)} available; set buffer_size to at most {Math.Min(int.MaxValue, limit / perTransition)}");
        // Each tensor is read through one Span<float>: its float count must fit an int.
        if ((long)(bufferSize / numEnvs) * numEnvs * Math.Max(observationSize, actionSize) > int.MaxValue)
            throw new ArgumentException(
                $"buffer_size={bufferSize} with observation size {observationSize} and action size {actionSize} exceeds {int.MaxValue} floats per stored tensor; set buffer_size to at most {(long)int.MaxValue / Math.Max(observationSize, actionSize)}");
    }

    static string Describe(long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes ({bytes / (1024.0 * 1024 * 1024):F2} GiB)");

    /// <summary>
    /// Stores one step of all E copies in the row <see cref="Position"/>. <paramref name="nextObservations"/>
    /// is the vector env's observation after the step (the reset observation where a copy ended),
    /// <paramref name="finalObservations"/> the last observations of the episodes that ended (rows read
    /// only where terminated or truncated): s'_t takes the final observation there, so the reset
    /// observation never becomes a next observation.
    /// </summary>
    public void Add(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, ReadOnlySpan<float> rewards,
        ReadOnlySpan<float> nextObservations, ReadOnlySpan<float> finalObservations,
        ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated)
    {
        int e = NumEnvs, d = ObservationSize;
        CheckLength(observations.Length, e * d, "observations", "E × observation size");
        CheckLength(actions.Length, e * ActionSize, "actions", "E × action size");
        CheckLength(rewards.Length, e, "rewards", "E");
        CheckLength(nextObservations.Length, e * d, "nextObservations", "E × observation size");
        CheckLength(finalObservations.Length, e * d, "finalObservations", "E × observation size");
        CheckLength(terminated.Length, e, "terminated", "E");
        CheckLength(truncated.Length, e, "truncated", "E");

        int row = Position * e;
        observations.CopyTo(Floats(Observations).Slice(row * d, e * d));
        actions.CopyTo(Floats(Actions).Slice(row * ActionSize, e * ActionSize));
        rewards.CopyTo(Floats(Rewards).Slice(row, e));
        Span<float> next = Floats(NextObservations).Slice(row * d, e * d);
        Span<float> done = Floats(Dones).Slice(row, e), ends = Floats(EpisodeEnds).Slice(row, e);
        for (int i = 0; i < e; i++)
        {
            bool ended = terminated[i] || truncated[i];
            (ended ? finalObservations : nextObservations).Slice(i * d, d).CopyTo(next.Slice(i * d, d));
            done[i] = terminated[i] ? 1f : 0f; // truncated only: bootstrap from the final observation
            ends[i] = ended ? 1f : 0f;
        }
        Position++;
        if (Position == Rows) { Position = 0; Full = true; }
    }

    /// <summary>
    /// Stores the step the vector env just took: s_t = <paramref name="observations"/> (read before
    /// the step), a_t = <paramref name="actions"/>, and the env's rewards, flags, observations and
    /// final observations. Rewards are stored as float.
    /// </summary>
    public void Add(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, IVectorEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (env.NumEnvs != NumEnvs)
            throw new ArgumentException($"the vector env has {env.NumEnvs} copies, this replay buffer was built for n_envs = {NumEnvs}", nameof(env));
        for (int i = 0; i < NumEnvs; i++) _rewardScratch[i] = (float)env.Rewards[i];
        Add(observations, actions, _rewardScratch, env.Observations, env.FinalObservations, env.Terminated, env.Truncated);
    }

    static void CheckLength(int actual, int expected, string name, string shape)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} must hold {shape} = {expected} values, got {actual}", name);
    }

    /// <summary>A reusable batch of <paramref name="batchSize"/> rows for <see cref="Sample"/>.</summary>
    public ReplayBatch CreateBatch(int batchSize) => new(batchSize, ObservationSize, ActionSize);

    /// <summary>
    /// Fills <paramref name="batch"/> with transitions drawn uniformly with replacement from the
    /// <see cref="Count"/> stored slots, using <paramref name="generator"/> (one int64 draw per row,
    /// written in place into <see cref="ReplayBatch.Indices"/>). With n &gt; 1 each row carries the
    /// n-step sum, next observation, flag and discount described on the class.
    /// </summary>
    /// <exception cref="InvalidOperationException">The buffer is empty.</exception>
    public void Sample(ReplayBatch batch, torch.Generator generator)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(generator);
        if (Count == 0) throw new InvalidOperationException("the replay buffer is empty; add transitions before sampling (learning_starts >= 1)");
        if (batch.ObservationSize != ObservationSize || batch.ActionSize != ActionSize)
            throw new ArgumentException($"the batch has observation size {batch.ObservationSize} and action size {batch.ActionSize}, the buffer {ObservationSize} and {ActionSize}; create it with CreateBatch", nameof(batch));
        using (torch.no_grad())
        {
            var drawn = batch.Indices.random_(0, Count, generator);
            if (!ReferenceEquals(drawn, batch.Indices)) drawn.Dispose();
        }
        ReadOnlySpan<long> indices = ReplayBatch.Longs(batch.Indices);
        // The spans over the tensors are fetched once per call (each costs a native call), not per row.
        var views = new GatherViews(
            Floats(Observations), Floats(Actions), Floats(Rewards), Floats(NextObservations), Floats(Dones), Floats(EpisodeEnds),
            ReplayBatch.Floats(batch.Observations), ReplayBatch.Floats(batch.Actions), ReplayBatch.Floats(batch.Rewards),
            ReplayBatch.Floats(batch.NextObservations), ReplayBatch.Floats(batch.Dones), ReplayBatch.Floats(batch.Discounts));
        for (int j = 0; j < batch.BatchSize; j++) Gather((int)indices[j], j, in views);
    }

    /// <summary>The storage (source) and batch (destination) spans of one <see cref="Sample"/> call.</summary>
    readonly ref struct GatherViews(
        ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, ReadOnlySpan<float> rewards, ReadOnlySpan<float> nextObservations,
        ReadOnlySpan<float> dones, ReadOnlySpan<float> ends,
        Span<float> batchObservations, Span<float> batchActions, Span<float> batchRewards, Span<float> batchNextObservations,
        Span<float> batchDones, Span<float> batchDiscounts)
    {
        public readonly ReadOnlySpan<float> Observations = observations, Actions = actions, Rewards = rewards,
            NextObservations = nextObservations, Dones = dones, Ends = ends;
        public readonly Span<float> BatchObservations = batchObservations, BatchActions = batchActions, BatchRewards = batchRewards,
            BatchNextObservations = batchNextObservations, BatchDones = batchDones, BatchDiscounts = batchDiscounts;
    }

    /// <summary>Copies slot <paramref name="slot"/> (row·E + copy) into row <paramref name="j"/> of the batch.</summary>
    void Gather(int slot, int j, in GatherViews v)
    {
        int e = NumEnvs, d = ObservationSize, a = ActionSize;
        int row = slot / e, copy = slot % e;
        v.Observations.Slice(slot * d, d).CopyTo(v.BatchObservations.Slice(j * d, d));
        v.Actions.Slice(slot * a, a).CopyTo(v.BatchActions.Slice(j * a, a));
        // n-step window: rows row, row+1, ... of the same copy, stopping after an episode end or at the newest row.
        int steps = Math.Min(NSteps, RowsAfter(row) + 1), last = slot;
        double sum = 0, discount = 1;
        for (int k = 0; k < steps; k++)
        {
            last = (row + k) % Rows * e + copy;
            sum += discount * v.Rewards[last];
            discount *= Gamma;
            if (v.Ends[last] != 0f) break;
        }
        v.BatchRewards[j] = (float)sum;
        v.BatchDiscounts[j] = (float)discount;
        v.BatchDones[j] = v.Dones[last];
        v.NextObservations.Slice(last * d, d).CopyTo(v.BatchNextObservations.Slice(j * d, d));
    }

    /// <summary>Rows written after <paramref name="row"/> (newer in time), up to the newest row Position − 1.</summary>
    int RowsAfter(int row) => Full ? (Position - 1 - row + Rows) % Rows : Position - 1 - row;

    /// <summary>
    /// Writes the stored rows (only the filled ones) and the ring position into <paramref name="state"/>
    /// as tensors "<paramref name="prefix"/>observations", ... and values "<paramref name="prefix"/>position",
    /// "<paramref name="prefix"/>full". The sampling generator is the caller's to checkpoint.
    /// </summary>
    public void Capture(TrainingState state, string prefix = "replay.")
    {
        ArgumentNullException.ThrowIfNull(state);
        int filled = Full ? Rows : Position;
        using var scope = torch.NewDisposeScope(); // the narrow views
        foreach (var (name, tensor) in Stored())
            state.Tensors[prefix + name] = tensor.narrow(0, 0, filled).clone().DetachFromDisposeScope();
        state.Values[prefix + "position"] = Position.ToString(CultureInfo.InvariantCulture);
        state.Values[prefix + "full"] = Full ? "true" : "false";
    }

    /// <summary>Restores what <see cref="Capture"/> wrote, bit for bit, into this buffer's storage.</summary>
    /// <exception cref="InvalidDataException">A missing entry, or shapes that do not match this buffer's sizes.</exception>
    public void Restore(TrainingState state, string prefix = "replay.")
    {
        ArgumentNullException.ThrowIfNull(state);
        int position = int.Parse(state.RequireValue(prefix + "position"), CultureInfo.InvariantCulture);
        bool full = state.RequireValue(prefix + "full") == "true";
        int filled = full ? Rows : position;
        if (position < 0 || position >= Rows)
            throw new InvalidDataException($"the checkpoint's replay position {position} lies outside this buffer's {Rows} rows; resume with the buffer_size and n_envs of the saved run");
        using var scope = torch.NewDisposeScope(); // contiguous/cpu copies of the saved tensors
        foreach (var (name, tensor) in Stored())
        {
            var saved = state.RequireTensor(prefix + name);
            long[] expected = [filled, .. tensor.shape.Skip(1)];
            if (!saved.shape.SequenceEqual(expected) || saved.dtype != ScalarType.Float32)
                throw new InvalidDataException($"the checkpoint's '{prefix + name}' has shape [{string.Join(", ", saved.shape)}] ({saved.dtype}), this buffer needs [{string.Join(", ", expected)}] (Float32); resume with the buffer_size, n_envs and spaces of the saved run");
            MemoryMarshal.Cast<byte, float>(saved.contiguous().cpu().bytes).CopyTo(Floats(tensor));
        }
        Position = position;
        Full = full;
    }

    IEnumerable<(string Name, Tensor Tensor)> Stored() =>
    [
        ("observations", Observations), ("actions", Actions), ("rewards", Rewards),
        ("next_observations", NextObservations), ("dones", Dones), ("episode_ends", EpisodeEnds),
    ];

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (_, t) in Stored()) t.Dispose();
    }
}
