using PolicyGradient.Buffers;
using PolicyGradient.Estimators;
using PolicyGradient.Interop;
using PolicyGradient.Objectives;
using PolicyGradient.Optimizers;
using PolicyGradient.Policies.Recurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OnPolicy.Recurrent;

/// <summary>
/// One recurrent PPO minibatch step (sb3-contrib's RecurrentPPO.train): the minibatch's sequences are
/// unrolled through the LSTMs from their stored states, padded and time-major; the latents of the
/// real steps are gathered back in minibatch order, so padding never enters a loss, a mean or the
/// advantage statistics (sb3-contrib's masked means over the same steps). From there it is PPO's
/// step, on the same pure functions as <see cref="TensorPpoStep"/>: per-minibatch advantage
/// normalization, the clipped surrogate, the (optionally clipped) value loss, the entropy bonus, the
/// approx-KL early stop, global gradient clipping and Adam.
/// </summary>
internal sealed class RecurrentPpoStep(RecurrentActorCritic net, RolloutBuffer buffer, RecurrentRolloutStates states,
    FlatAdam optimizer, RecurrentPpoOptions options, Device device) : IDisposable
{
    Tensor? _packed, _sums;
    long[] _columns = [];

    /// <summary>Packs the rollout's per-step columns once per update ([T·N + 1, …]; the last row is zeros, the padding row).</summary>
    public void BeginUpdate()
    {
        Dispose();
        using var scope = torch.NewDisposeScope();
        int total = buffer.NumSteps * buffer.NumEnvs;
        var starts = torch.tensor(states.EpisodeStarts.Select(s => s ? 1f : 0f).ToArray(), [total, 1]);
        Tensor[] columns = [
            buffer.Observations.view(total, buffer.ObservationSize), starts, buffer.Actions.view(total, buffer.ActionSize),
            buffer.LogProbs.view(total, 1), buffer.Advantages.view(total, 1), buffer.Returns.view(total, 1), buffer.Values.view(total, 1)];
        if (buffer.ActionMasks is { } masks) columns = [.. columns, masks.view(total, buffer.ActionMaskSize)];
        _columns = columns.Select(c => c.shape[1]).ToArray();
        var packed = torch.cat(columns, 1);
        _packed = torch.cat([packed, torch.zeros(1, packed.shape[1])], 0).to(device).DetachFromDisposeScope();
        _sums = torch.zeros(6, device: device).DetachFromDisposeScope();
    }

    /// <summary>One step on <paramref name="batch"/>; false (no step) when approx-KL exceeds 1.5 × target_kl.</summary>
    public bool Step(SequenceMinibatch batch, double learningRate, double clipRange)
    {
        using var scope = torch.NewDisposeScope();
        long padding = _packed!.shape[0] - 1;
        var (latentPi, latentVf) = Unroll(batch, padding);
        var cols = _packed.index_select(0, Index(batch.Rows)).split(_columns, 1);
        Tensor actions = cols[2], oldLogProbs = cols[3].view(-1), advantages = cols[4].view(-1),
            returns = cols[5].view(-1), oldValues = cols[6].view(-1);

        // Advantage normalization over the minibatch's real steps (sb3-contrib: advantages[mask]).
        if (options.NormalizeAdvantage && batch.Rows.Length > 1) advantages = AdvantageNormalization.Normalize(advantages);

        var weights = net.Weights();
        var (head, values) = net.Output(latentPi, latentVf, weights);
        var distribution = net.Distribution(head, weights, cols.Length > 7 ? cols[7] : null);
        var logProbs = distribution.LogProb(actions);
        var entropy = distribution.Entropy().mean();

        var terms = PpoMinibatchLoss.Compute(logProbs, oldLogProbs, advantages, entropy, values, returns, oldValues, clipRange, options);
        if (terms.ExceedsTargetKl(options.TargetKl)) return false;

        net.Parameters.ZeroGrad();
        terms.Loss.backward();
        var gradNorm = net.Parameters.ClipGradNorm(options.MaxGradNorm);
        optimizer.Step(learningRate);
        _sums!.add_(terms.Diagnostics(gradNorm), TorchScalars.One);
        return true;
    }

    /// <summary>
    /// The LSTM latents [B, H] of the minibatch's steps in minibatch order: its sequences padded to
    /// [L, S], unrolled from their stored states with the episode-start resets, then gathered.
    /// </summary>
    public (Tensor Pi, Tensor Vf) Unroll(SequenceMinibatch batch, long paddingRow)
    {
        var grid = _packed!.index_select(0, Index(batch.Padded.Select(r => r < 0 ? paddingRow : r).ToArray())).split(_columns, 1);
        var observations = grid[0].view(batch.Length, batch.Sequences, -1);
        var starts = grid[1].view(batch.Length, batch.Sequences);
        var initial = states.Initial(Index(batch.FirstRows));
        var (pi, vf, _) = net.Recur(observations, initial, starts, net.Weights());
        var gather = Index(batch.Gather);
        return (pi.index_select(0, gather), vf.index_select(0, gather));
    }

    Tensor Index(long[] values) => torch.tensor(values).to(device);

    /// <summary>The summed diagnostics: policy loss, value loss, entropy, approx-KL, clip fraction, grad norm.</summary>
    public double[] EndUpdate()
    {
        var sums = _sums!.cpu().data<float>().ToArray().Select(v => (double)v).ToArray();
        Dispose();
        return sums;
    }

    public void Dispose()
    {
        _packed?.Dispose(); _sums?.Dispose();
        (_packed, _sums) = (null, null);
    }
}
