using System.Diagnostics;
using PolicyGradient.Algorithms.OnPolicy.Partitions;
using PolicyGradient.Core;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// The learner's side of a partitioned rollout (a cluster run's sync mode, docs/distributed.md): the
/// noise of the whole rollout is drawn from the run's generator exactly as in-process, each partition
/// gets its columns and θ, steps its own env copies, and the learner writes the partitions' columns
/// back into its buffer step by step in env order, doing on its side what the in-process loop does
/// after each env step (reward normalization, truncation values, episode statistics, per-step
/// callbacks). The buffer then holds the same bits as an in-process rollout.
/// </summary>
internal sealed partial class OnPolicyCore
{
    /// <summary>First int of a checkpoint's env state when the envs lived in partitions ("PGC1").</summary>
    const int PartitionedStateMarker = 0x31434750;
    double _rolloutSeconds;
    long _lagSum, _lagMax;

    /// <summary>Rollouts collected elsewhere (set once before training by PolicyGradient.Distributed); null: this process steps <see cref="Env"/>.</summary>
    public IRolloutPartitions? Partitions { get; private set; }

    /// <summary>
    /// Hands rollout collection to <paramref name="partitions"/> (owned from now on: disposed with the core).
    /// </summary>
    /// <exception cref="ArgumentException">A setup the partitions cannot reproduce exactly; the message names the key to change.</exception>
    public void UsePartitions(IRolloutPartitions partitions)
    {
        if (NativeRollout is null)
            throw new ArgumentException("cluster rollouts need the native backend (the libtorch rollout path is not partitioned); set backend=native or backend=auto with an MLP policy");
        if (Masked)
            throw new ArgumentException("cluster rollouts do not carry action masks yet (the env provides them: IActionMaskProvider); train this env without the cluster");
        if (Normalization.ObservationStatistics is not null)
            throw new ArgumentException("cluster rollouts cannot normalize observations exactly (the statistics see every copy each step); set normalize_observations=false");
        if (Partitions is not null) throw new InvalidOperationException("rollout partitions are already set");
        Partitions = partitions;
    }

    bool CollectPartitions(IAlgorithm owner, ITrainingCallback callback)
    {
        if (Partitions is IAsyncRolloutPartitions async) return CollectAsyncPartitions(owner, callback, async);
        var clock = Stopwatch.StartNew();
        int n = Env.NumEnvs, steps = Buffer.NumSteps;
        var native = NativeRollout!;
        native.BeginRollout(Generator, steps, n); // the same draw as in-process: the generator stays in step
        var parts = Partitions!.Collect(NumUpdates, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Net.Parameters.Data.bytes).ToArray(), SliceNoise(native, steps, n), steps);
        _rolloutSeconds = clock.Elapsed.TotalSeconds;
        CheckPartitions(parts, steps, n);
        foreach (var p in parts) { long lag = NumUpdates - p.Version; _lagSum += lag; _lagMax = Math.Max(_lagMax, lag); }
        for (int t = 0; t < steps; t++)
        {
            WriteStep(parts, t);
            NumTimesteps += n;
            RecordPartitionEpisodes(parts, t);
            if (!callback.OnStep(owner)) return false;
        }
        var last = new float[n];
        int at = 0;
        foreach (var p in parts) { p.LastValues.CopyTo(last, at); at += p.Envs; }
        Buffer.Finish(last);
        _rolloutEndTimestamp = Stopwatch.GetTimestamp();
        return true;
    }

    /// <summary>Partition p's columns of the rollout's noise, step-major.</summary>
    IReadOnlyList<float[]> SliceNoise(NativeRolloutPolicy native, int steps, int n)
    {
        int draws = native.DrawsPerRow, count = Partitions!.Count, m = n / count;
        var noise = native.Noise;
        var slices = new float[count][];
        for (int p = 0; p < count; p++)
        {
            slices[p] = new float[steps * m * draws];
            for (int t = 0; t < steps; t++)
                noise.Slice((t * n + p * m) * draws, m * draws).CopyTo(slices[p].AsSpan(t * m * draws, m * draws));
        }
        return slices;
    }

    void CheckPartitions(IReadOnlyList<PartitionRollout> parts, int steps, int n)
    {
        if (parts.Sum(p => p.Envs) != n || parts.Any(p => p.Steps != steps))
            throw new InvalidOperationException($"the workers returned {parts.Sum(p => p.Envs)} env copies × {string.Join("/", parts.Select(p => p.Steps).Distinct())} steps; the learner needs {n} × {steps}");
    }

    /// <summary>Step t of all partitions into the buffer, in env order, as the in-process loop writes it.</summary>
    void WriteStep(IReadOnlyList<PartitionRollout> parts, int t)
    {
        int n = Env.NumEnvs, d = ObservationSize, a = ActionSize;
        var raw = new float[n * d];
        var rewards = new double[n];
        bool[] terminated = new bool[n], truncated = new bool[n];
        int at = 0;
        foreach (var p in parts)
        {
            int m = p.Envs, row = t * m;
            p.Observations.AsSpan(row * d, m * d).CopyTo(raw.AsSpan(at * d));
            p.Actions.AsSpan(row * a, m * a).CopyTo(_actions.AsSpan(at * a));
            p.LogProbs.AsSpan(row, m).CopyTo(_logProbs.AsSpan(at));
            p.Values.AsSpan(row, m).CopyTo(_values.AsSpan(at));
            p.Rewards.AsSpan(row, m).CopyTo(rewards.AsSpan(at));
            p.Terminated.AsSpan(row, m).CopyTo(terminated.AsSpan(at));
            p.Truncated.AsSpan(row, m).CopyTo(truncated.AsSpan(at));
            at += m;
        }
        Normalization.NormalizeObservations(raw, Buffer.NextObservationRow());
        Normalization.NormalizeRewards(rewards, terminated, truncated, _rewards);
        Buffer.Add(_actions, _logProbs, _values, _rewards, terminated, truncated);
        at = 0;
        foreach (var p in parts)
        {
            for (int j = 0; j < p.Envs; j++)
                if (p.Truncated[t * p.Envs + j] && !p.Terminated[t * p.Envs + j]) Buffer.SetNextValue(at + j, p.FinalValues[t * p.Envs + j]);
            at += p.Envs;
        }
    }

    void RecordPartitionEpisodes(IReadOnlyList<PartitionRollout> parts, int t)
    {
        foreach (var p in parts)
            for (int e = 0; e < p.EpisodeAt.Length; e++)
            {
                if (p.EpisodeAt[e] / p.Envs != t) continue;
                RecordEpisode(p.EpisodeReturns[e], p.EpisodeLengths[e]);
            }
    }

    void AddPartitionMetrics(UpdateMetrics m)
    {
        if (Partitions is null) return;
        m.Values["workers"] = Partitions.Count;
        m.Values["policy_lag_mean"] = (double)_lagSum / Partitions.Count;
        m.Values["policy_lag_max"] = _lagMax;
        m.Values["dropped_batches"] = _droppedBatches;
        if (CorrectsStaleness) m.Values["rollout_sps"] = AsyncRolloutStepsPerSecond();
        else if (_rolloutSeconds > 0) m.Values["rollout_sps"] = Buffer.NumSteps * Env.NumEnvs / _rolloutSeconds;
        // The learner's ceiling: steps of the batch per second of what the learner does with it (writing
        // it into the buffer is on the rollout's clock; GAE/V-trace, the update and the callbacks here).
        double learner = Stopwatch.GetElapsedTime(_rolloutEndTimestamp).TotalSeconds;
        if (_rolloutEndTimestamp != 0 && learner > 0) m.Values["learner_sps"] = Buffer.NumSteps * Env.NumEnvs / learner;
        _lagSum = 0; _lagMax = 0; _droppedBatches = 0;
    }

    void SavePartitions(BinaryWriter w)
    {
        w.Write(PartitionedStateMarker);
        w.Write(Partitions!.Count);
        Partitions.SaveState(w);
    }

    /// <summary>Reads a partitioned env state into the partitions; false (stream unmoved) for an in-process state.</summary>
    /// <exception cref="InvalidDataException">The checkpoint's envs and this run's disagree on where they live (the run layer reports it as a checkpoint that does not fit).</exception>
    bool RestorePartitions(BinaryReader r)
    {
        long start = r.BaseStream.Position;
        bool partitioned = r.BaseStream.Length - start >= 4 && r.ReadInt32() == PartitionedStateMarker;
        if (!partitioned)
        {
            r.BaseStream.Position = start;
            if (Partitions is not null)
                throw new InvalidDataException("this checkpoint comes from a single-process run; resume it without --cluster");
            return false;
        }
        if (Partitions is null)
            throw new InvalidDataException("this checkpoint comes from a cluster run (--cluster): its envs live on the workers, and resuming cluster runs is not supported yet; start the run again");
        int count = r.ReadInt32();
        if (count != Partitions.Count)
            throw new InvalidDataException($"this checkpoint was written with {count} workers; resume it with --workers {count}");
        Partitions.LoadState(r);
        return true;
    }
}
