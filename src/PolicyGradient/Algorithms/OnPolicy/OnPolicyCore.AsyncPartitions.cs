using System.Diagnostics;
using System.Runtime.InteropServices;
using PolicyGradient.Algorithms.OnPolicy.Partitions;
using PolicyGradient.Core;
using PolicyGradient.Estimators;
using PolicyGradient.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// The learner's side of an async cluster run (IMPALA-style, docs/distributed.md): it publishes θ
/// with its version, takes the slices that arrived until the buffer's N columns are full, drops slices
/// whose policy lag (learner version − acting version) exceeds <see cref="MaxPolicyLag"/> and counts
/// them, then re-evaluates the batch under the current θ — log π(a|s), V(s_t) and V(s_T) — keeping
/// the workers' log μ(a|s) as the behaviour policy. The algorithm then corrects for staleness:
/// <see cref="ComputeVTraceTargets"/> (A2C) or <see cref="ComputeDecoupledPpoAdvantages"/> (PPO).
/// Nothing here runs in a local or a sync run.
/// </summary>
internal sealed partial class OnPolicyCore
{
    float[] _behaviourLogProbs = [], _currentLogProbs = [];
    long _droppedBatches, _rolloutEndTimestamp, _arrivedSteps, _arrivalClockStart;

    /// <summary>Oldest accepted slice, in policy versions behind the learner (async mode).</summary>
    public int MaxPolicyLag { get; private set; }

    /// <summary>True when rollouts come from async partitions: the batch is stale and the algorithm corrects it.</summary>
    public bool CorrectsStaleness => Partitions is IAsyncRolloutPartitions;

    /// <summary>Hands rollout collection to async <paramref name="partitions"/> (owned from now on), accepting slices up to <paramref name="maxPolicyLag"/> versions old.</summary>
    /// <exception cref="ArgumentException">A setup the partitions cannot run, or a negative lag bound; the message names the fix.</exception>
    public void UseAsyncPartitions(IAsyncRolloutPartitions partitions, int maxPolicyLag)
    {
        if (maxPolicyLag < 0) throw new ArgumentException($"max_policy_lag {maxPolicyLag} is negative; pass 0 (only slices of the current weights) or more");
        UsePartitions(partitions);
        MaxPolicyLag = maxPolicyLag;
    }

    bool CollectAsyncPartitions(IAlgorithm owner, ITrainingCallback callback, IAsyncRolloutPartitions partitions)
    {
        var clock = Stopwatch.StartNew();
        int n = Env.NumEnvs, steps = Buffer.NumSteps;
        if (_arrivalClockStart == 0) _arrivalClockStart = Stopwatch.GetTimestamp();
        partitions.Publish(NumUpdates, MemoryMarshal.Cast<byte, float>(Net.Parameters.Data.bytes).ToArray(), steps);
        var parts = new List<PartitionRollout>();
        for (int envs = 0; envs < n;)
        {
            var p = partitions.Take();
            _arrivedSteps += (long)p.Steps * p.Envs;
            long lag = NumUpdates - p.Version;
            if (lag > MaxPolicyLag) { _droppedBatches++; continue; } // too stale: dropped, counted, its steps not counted
            if (p.Steps != steps || envs + p.Envs > n)
                throw new InvalidOperationException($"a worker returned {p.Envs} env copies × {p.Steps} steps; the learner needs slices of {n / Partitions!.Count} × {steps}");
            parts.Add(p);
            envs += p.Envs;
            _lagSum += lag;
            _lagMax = Math.Max(_lagMax, lag);
        }
        _rolloutSeconds = clock.Elapsed.TotalSeconds;
        for (int t = 0; t < steps; t++)
        {
            WriteStep(parts, t);
            NumTimesteps += n;
            RecordPartitionEpisodes(parts, t);
            if (!callback.OnStep(owner)) return false;
        }
        Buffer.Finish(new float[n]); // V(s_T) is re-evaluated just below
        Reevaluate(parts);
        _rolloutEndTimestamp = Stopwatch.GetTimestamp();
        return true;
    }

    /// <summary>
    /// log π(a_t|s_t), V(s_t) and V(s_T) of the batch under the learner's current θ (one forward of the
    /// T·N rows); the workers' log-probabilities are kept as log μ. V'_t is rebuilt from the new values
    /// inside episodes and at the rollout's end; after a truncation it stays the worker's V(final observation).
    /// </summary>
    void Reevaluate(IReadOnlyList<PartitionRollout> parts)
    {
        int n = Env.NumEnvs, steps = Buffer.NumSteps, total = n * steps;
        if (_behaviourLogProbs.Length != total) { _behaviourLogProbs = new float[total]; _currentLogProbs = new float[total]; }
        Floats(Buffer.LogProbs).CopyTo(_behaviourLogProbs);
        var values = new float[total];
        var last = new float[n];
        var lastObservations = parts.SelectMany(p => p.LastObservations).ToArray();
        using (torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var weights = Net.Weights();
            var (head, value) = Net.Forward(Buffer.Observations.view(total, ObservationSize).to(Device), weights);
            Read(Net.Distribution(head, weights).LogProb(Buffer.Actions.view(total, ActionSize).to(Device)), _currentLogProbs);
            Read(value, values);
            Read(Net.Forward(torch.tensor(lastObservations, [n, ObservationSize], device: Device), weights).Value, last);
        }
        values.CopyTo(Floats(Buffer.Values));
        Span<float> done = Floats(Buffer.Dones), next = Floats(Buffer.NextValues);
        for (int k = 0; k < total; k++)
            if (done[k] == 0f) next[k] = k + n < total ? values[k + n] : last[k - (total - n)];
    }

    /// <summary>
    /// A2C's targets and advantages on a stale batch: V-trace (Espeholt et al. 2018) with ρ̄ = c̄ = 1 and
    /// λ = gae_lambda, behaviour μ = the acting worker's policy, target π = the learner's. On data of
    /// the current version it equals GAE(λ) (<see cref="VTrace"/>'s remarks).
    /// </summary>
    public void ComputeVTraceTargets(double gamma, double lambda) =>
        VTrace.Compute(Floats(Buffer.Rewards), Floats(Buffer.Values), Floats(Buffer.NextValues), Floats(Buffer.Terminated),
            Floats(Buffer.Dones), _behaviourLogProbs, _currentLogProbs, Env.NumEnvs, gamma, 1.0, 1.0, lambda, 1.0,
            Floats(Buffer.Returns), Floats(Buffer.Advantages));

    /// <summary>
    /// PPO's inputs on a stale batch, for decoupled clipping (Hilton et al. 2021, <see cref="DecoupledClippedSurrogate"/>):
    /// GAE(γ, λ) on the re-evaluated values, π_prox = the learner's policy now (written where PPO reads
    /// "old" log-probabilities, so the clip keeps π near π_prox), and every advantage multiplied by
    /// w = π_prox/μ. Because w ≥ 0 is a per-sample constant, w·min(rA, clip(r)A) = min(r·wA, clip(r)·wA):
    /// PPO's own clipped step on (π_prox, wA) minimizes the decoupled loss (a test checks the identity).
    /// With normalize_advantage PPO then normalizes wA per minibatch (the weighted advantages, not A).
    /// </summary>
    public void ComputeDecoupledPpoAdvantages(double gamma, double lambda)
    {
        Buffer.ComputeAdvantages(gamma, lambda);
        var advantages = Floats(Buffer.Advantages);
        using (torch.NewDisposeScope())
        {
            var w = TruncatedImportanceWeights.Compute(torch.tensor(_currentLogProbs), torch.tensor(_behaviourLogProbs), null);
            var weights = MemoryMarshal.Cast<byte, float>(w.bytes);
            for (int k = 0; k < advantages.Length; k++) advantages[k] *= weights[k];
        }
        _currentLogProbs.CopyTo(Floats(Buffer.LogProbs));
    }

    /// <summary>
    /// Async rollout throughput: env steps of every slice taken (kept or dropped) per second since the
    /// last update's metrics. The workers run during the update, so this is their rate as the learner
    /// sees it (bounded by backpressure when the learner is slower), not the time of one rollout.
    /// </summary>
    double AsyncRolloutStepsPerSecond()
    {
        double seconds = Stopwatch.GetElapsedTime(_arrivalClockStart).TotalSeconds;
        double sps = seconds > 0 ? _arrivedSteps / seconds : 0;
        _arrivedSteps = 0;
        _arrivalClockStart = Stopwatch.GetTimestamp();
        return sps;
    }

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);
}
