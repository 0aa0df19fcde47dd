using System.Runtime.InteropServices;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Algorithms.OnPolicy.Recurrent;
using PolicyGradient.Core;
using PolicyGradient.Environments.Vector;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Policies.Recurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms;

public sealed partial class RecurrentPpo
{
    readonly float[] _actions, _logProbs, _values;
    readonly RolloutEnvStep _envStep;
    readonly Box? _actionBox;
    readonly IActionMaskSource? _maskSource;
    LstmStates _states;            // the live (h, c) of every training copy, [layers, N, H]
    readonly bool[] _episodeStarts; // copy n's next step begins an episode (its state is zeroed first)

    /// <summary>
    /// One rollout of n_steps from every copy (sb3-contrib's collect_rollouts): before each step the
    /// state the policy acts from and the episode-start flags are stored; the policy then resets the
    /// state of the copies that start an episode, acts, and carries the new state to the next step.
    /// </summary>
    internal bool CollectRollout(ITrainingCallback callback)
    {
        Buffer.Reset();
        int n = Env.NumEnvs;
        using var rolloutScope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var weights = _net.Weights();
        while (!Buffer.Full)
        {
            using var stepScope = torch.NewDisposeScope();
            int t = Buffer.Position;
            Normalization.NormalizeObservations(Env.Observations, Buffer.NextObservationRow());
            if (_maskSource is not null) Buffer.SetActionMasks(_maskSource.ActionMasks);
            Stored.Store(t, _states, _episodeStarts);
            var observations = Buffer.Observations[t].to(Device).unsqueeze(0);
            var (pi, vf, next) = _net.Recur(observations, _states, Starts(_episodeStarts), weights);
            var (head, value) = _net.Output(pi, vf, weights);
            var distribution = _net.Distribution(head, weights, Buffer.ActionMasks?[t].to(Device));
            var action = distribution.Sample(Generator);
            Read(action.reshape(n * ActionSize), _actions);
            Read(distribution.LogProb(action), _logProbs);
            Read(value, _values);
            Carry(next);

            NumTimesteps += _envStep.Take(_actions, _logProbs, _values);
            BootstrapTruncations(weights);
            _episodes.Record(Env);
            for (int i = 0; i < n; i++) _episodeStarts[i] = Env.Terminated[i] || Env.Truncated[i];
            if (!callback.OnStep(this)) return false;
        }
        // V(s_T) closes the rollout, from the carried critic state (reset where an episode starts).
        var last = new float[n * ObservationSize];
        Normalization.NormalizeObservations(Env.Observations, last);
        Buffer.Finish(Values(last, _states, _episodeStarts, weights));
        return true;
    }

    /// <summary>
    /// log π(a|s) and V of the stored rollout's steps <paramref name="batch"/>.Rows, recomputed as the
    /// update computes them (sequences unrolled from the stored states) with the current weights: right
    /// after a rollout they must equal the rollout's own (the check of the state bookkeeping).
    /// </summary>
    internal (float[] LogProbs, float[] Values) Reevaluate(SequenceMinibatch batch)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        _step.BeginUpdate();
        var (pi, vf) = _step.Unroll(batch, Buffer.NumSteps * Buffer.NumEnvs);
        var weights = _net.Weights();
        var (head, value) = _net.Output(pi, vf, weights);
        var rows = torch.tensor(batch.Rows);
        var masks = Buffer.ActionMasks?.view(-1, Buffer.ActionMaskSize).index_select(0, rows).to(Device);
        var actions = Buffer.Actions.view(-1, ActionSize).index_select(0, rows).to(Device);
        var logProbs = new float[batch.Rows.Length];
        var values = new float[batch.Rows.Length];
        Read(_net.Distribution(head, weights, masks).LogProb(actions), logProbs);
        Read(value, values);
        _step.Dispose();
        return (logProbs, values);
    }

    /// <summary>Replaces the live state with <paramref name="next"/> (kept outside the step's dispose scope).</summary>
    void Carry(LstmStates next)
    {
        var kept = next.Keep();
        _states.DisposeAll();
        _states = kept;
    }

    /// <summary>
    /// Truncation bootstrapping (Pardo et al. 2018): V of the final observation of copies cut by a time
    /// limit, from the copy's state after the step with no reset (sb3-contrib's terminal_lstm_state).
    /// </summary>
    void BootstrapTruncations(Tensor[] weights)
    {
        var (which, rows) = _envStep.TruncatedFinalObservations();
        if (which.Length == 0) return;
        var states = _states.Select(torch.tensor(which.Select(i => (long)i).ToArray()).to(Device));
        var v = Values(rows, states, new bool[which.Length], weights);
        for (int k = 0; k < which.Length; k++) Buffer.SetNextValue(which[k], v[k]);
    }

    /// <summary>V for one step of <paramref name="states"/>.Count sequences (observations row-major, already normalized).</summary>
    float[] Values(float[] observations, LstmStates states, bool[] starts, Tensor[] weights)
    {
        long count = states.Count;
        var obs = torch.tensor(observations, [1, count, ObservationSize], device: Device);
        var (pi, vf, _) = _net.Recur(obs, states, Starts(starts), weights);
        var values = new float[count];
        Read(_net.Output(pi, vf, weights).Value, values);
        return values;
    }

    Tensor Starts(bool[] starts) => torch.tensor(starts.Select(s => s ? 1f : 0f).ToArray(), [1, starts.Length], device: Device);

    static void Read(Tensor t, float[] destination) => RolloutEnvStep.Read(t, destination);
}
