using PolicyGradient.Interop;
using PolicyGradient.Estimators;
using PolicyGradient.Language.Generation;
using PolicyGradient.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Training;

// One optimizer step of the group trainer: the gradient of a mini-batch accumulated over micro-batches,
// each loss normalized by the whole mini-batch (LossAggregation's global normalizers), so micro-batching
// changes memory, not the gradient.
public sealed partial class GroupTrainer
{
    static readonly Scalar Zero = 0.ToScalar(), One = 1.0.ToScalar();

    /// <summary>Rows start..start+len: accumulate the gradient over micro-batches, clip, step (policy and critic).</summary>
    void TrainMiniBatch(UpdateBatch u, int start, int len, UpdateSums sums)
    {
        var o = _options;
        using var miniScope = torch.NewDisposeScope();
        var miniMask = u.LossMask.narrow(0, start, len);
        // The 80/20 selection pools the whole mini-batch, so it needs every micro-batch's entropy first.
        var trainMask = o.Entropy.TopFraction < 1
            ? HighEntropyTokenMask.Select(MiniBatchEntropy(u.Rollout, start, len, u.Micro), miniMask, o.Entropy.TopFraction)
            : miniMask;
        // Normalizers of the whole mini-batch: micro-batch losses then sum to the mini-batch loss. A per-sequence
        // loss is a mean over the sequences with a trained token.
        double pgNorm = LossAggregation.GlobalNormalizer(trainMask, _loss.PerSequence ? LossAggregationMode.SeqMeanTokenMean : o.Aggregation);
        double fullNorm = LossAggregation.GlobalNormalizer(miniMask, o.Aggregation);
        _optimizer.zero_grad();
        _criticOptimizer?.zero_grad();
        int rows = u.Active is null ? len : (int)u.Active.shape[0];
        for (int ms = start; ms < start + rows; ms += u.Micro)
            TrainMicroBatch(u, trainMask, start, ms, Math.Min(u.Micro, start + rows - ms), pgNorm, fullNorm, sums);
        // No backward yet in this trainer's life: the optimizer must find no gradient, as when gradients were lazy.
        if (rows > 0) _backwardRan = true;
        else if (!_backwardRan) GradientBuffers.Release(_policy.parameters());
        sums.GradNorm += nn.utils.clip_grad_norm_(_policy.parameters(), o.MaxGradNorm);
        _optimizer.step();
        Diagnostics.MemoryProbe.Mark("grpo", _step, "optimizer step");
        if (_critic is not null)
        {
            nn.utils.clip_grad_norm_(_critic.parameters(), o.MaxGradNorm);
            _criticOptimizer!.step();
        }
        sums.OptimizerSteps++;
    }

    /// <summary>
    /// The policy's forward pass in its own dispose scope: only the per-token log-probs and entropies [B, C] leave
    /// it. The autograd graph holds its own references to what backward needs, so the handles of every other
    /// intermediate (attention scores, MLP activations, logits) are released here, and backward frees each saved
    /// activation once it has used it: tensor lifetimes as in eager PyTorch, not the whole micro-batch's.
    /// </summary>
    (Tensor LogProbs, Tensor Entropy) PolicyForward(Tensor prompt, Tensor promptMask, Tensor tokens, Tensor mask)
    {
        using var forward = torch.NewDisposeScope();
        var (logProbs, entropy, _) = SequenceLogProbs.Compute(_policy, prompt, promptMask, tokens, mask, _options.Rollout.Temperature);
        return (logProbs.MoveToOuterDisposeScope(), entropy.MoveToOuterDisposeScope());
    }

    /// <summary>The critic's forward pass in its own dispose scope (see <see cref="PolicyForward"/>): values [B, C].</summary>
    Tensor CriticForward(Tensor prompt, Tensor promptMask, Tensor tokens, Tensor mask)
    {
        using var forward = torch.NewDisposeScope();
        return SequenceLogProbs.Compute(_critic!, prompt, promptMask, tokens, mask, _options.Rollout.Temperature).Values!.MoveToOuterDisposeScope();
    }

    /// <summary>Forward and backward of micro-batch rows ms..ms+ml (of the active rows when some are skipped).</summary>
    void TrainMicroBatch(UpdateBatch u, Tensor trainMask, int start, int ms, int ml, double pgNorm, double fullNorm, UpdateSums sums)
    {
        var o = _options;
        var batch = u.Rollout;
        using var microScope = torch.NewDisposeScope();
        Tensor Rows(Tensor x) => u.Active is null ? x.narrow(0, ms, ml) : x.index_select(0, u.Active.narrow(0, ms, ml));
        var m = Rows(u.LossMask);
        var tm = u.Active is null ? trainMask.narrow(0, ms - start, ml) : trainMask.index_select(0, u.Active.narrow(0, ms, ml));
        var (logProbs, entropy) = PolicyForward(Rows(batch.Prompt), Rows(batch.PromptMask), Rows(batch.Tokens), Rows(batch.Mask));
        Diagnostics.MemoryProbe.Mark("grpo", _step, "forward");
        var old = Rows(batch.OldLogProbs);
        var adv = Rows(u.Advantages);
        var (policyLoss, clippedMask) = _loss.Compute(new PolicyLossInput(logProbs, old, adv, _loss.PerSequence ? tm : m, o.Clip.Low, o.Clip.High)
        {
            DualClip = o.Clip.DualOrNull, LogRatioClamp = o.Clip.LogRatioClamp, Entropy = entropy.detach(),
            Generator = _loss.NeedsGenerator ? _generator : null, GroupIds = Rows(u.GroupIds), GvpoBeta = o.GvpoBeta,
        });
        var loss = _loss.PerSequence
            ? LossAggregation.Aggregate(policyLoss, tm.sum(-1).gt(Zero), LossAggregationMode.SeqMeanTokenSum, pgNorm)
            : LossAggregation.Aggregate(policyLoss, tm, o.Aggregation, pgNorm, u.MaxLength);
        if (u.RefLogProbs is not null)
        {
            var kl = KlPenalty.Compute(_klKind, logProbs, Rows(u.RefLogProbs));
            using var beta = _klCoefficient.ToScalar();
            if (!o.Kl.InReward) loss = loss.add(LossAggregation.Aggregate(kl, m, o.Aggregation, fullNorm, u.MaxLength).mul(beta), TorchScalars.One);
            sums.Kl += (kl.detach() * m).sum().item<float>();
        }
        if (o.Entropy.Coefficient > 0)
        {
            using var entropyCoefficient = o.Entropy.Coefficient.ToScalar();
            loss = loss - LossAggregation.Aggregate(entropy, m, o.Aggregation, fullNorm, u.MaxLength).mul(entropyCoefficient);
        }
        Diagnostics.MemoryProbe.Mark("grpo", _step, "loss");
        loss.backward();
        Diagnostics.MemoryProbe.Mark("grpo", _step, "backward");
        sums.Loss += loss.item<float>();

        sums.Tokens += m.sum().item<float>();
        sums.Trained += tm.sum().item<float>();
        sums.Entropy += (entropy.detach() * m).sum().item<float>();
        sums.Clipped += (clippedMask.to(ScalarType.Float32) * m).sum().item<float>();
        if (_loss.ReportsPpoClipSides)
        {
            var (low, high, d) = ClipStatistics.Masks(logProbs, old, adv, o.Clip.Low, o.Clip.High, o.Clip.DualOrNull, o.Clip.LogRatioClamp);
            sums.ClipLow += (low.to(ScalarType.Float32) * m).sum().item<float>();
            sums.ClipHigh += (high.to(ScalarType.Float32) * m).sum().item<float>();
            sums.Dual += (d.to(ScalarType.Float32) * m).sum().item<float>();
        }
        if (_critic is not null)
        {
            var values = CriticForward(Rows(batch.Prompt), Rows(batch.PromptMask), Rows(batch.Tokens), Rows(batch.Mask));
            var perTokenValue = ValueLoss.Compute(values, Rows(u.Returns!), Rows(u.OldValues!), o.Critic.ValueClipRange > 0 ? o.Critic.ValueClipRange : null);
            using var valueCoefficient = o.Critic.ValueCoefficient.ToScalar();
            var valueLoss = LossAggregation.Aggregate(perTokenValue, m, o.Aggregation, fullNorm, u.MaxLength).mul(valueCoefficient);
            valueLoss.backward();
            sums.ValueLoss += valueLoss.item<float>();
        }
    }
}
