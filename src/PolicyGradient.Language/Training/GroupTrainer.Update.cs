using PolicyGradient.Estimators;
using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Training;

public sealed partial class GroupTrainer
{
    /// <summary>What an update measured (token-weighted means over every forward pass; per-optimizer-step means for losses and norms).</summary>
    sealed record UpdateStats(double Loss, double GradNorm, double Entropy, double Kl, double ControllerKl, double ClipFraction,
        double ClipLow, double ClipHigh, double DualClip, double ValueLoss, double ExplainedVariance, double TrainedTokenFraction);

    /// <summary>Estimators that read per-token rewards; the others see the KL-in-reward as a sum added to the score (verl sums token-level rewards into the outcome score).</summary>
    static readonly HashSet<string> TokenLevelEstimators = ["remax", "reinforceplusplus", "reinforceplusplusbaseline"];

    UpdateStats Update(RolloutBatch batch)
    {
        var o = _options;
        var device = batch.Tokens.device;
        int b = batch.Samples.Length;
        var mask = batch.Mask;
        var validRows = torch.tensor(batch.Scores.Select(s => float.IsNaN(s) ? 0f : 1f).ToArray(), device: device).unsqueeze(1);
        var lossMask = mask * validRows;   // invalid samples train on nothing
        int micro = o.MicroBatchSize > 0 ? o.MicroBatchSize : b;
        var refLogProbs = _reference is null ? null : Evaluate(_reference, batch, micro, values: false);
        var oldValues = _critic is null ? null : Evaluate(_critic, batch, micro, values: true);

        // KL in the reward (verl use_kl_in_reward): r̃_t −= β·kl(π_old, π_ref)_t; the controller sees the mean over sequences of the per-sequence token mean.
        Tensor? tokenRewards = null;
        double rewardKl = double.NaN;
        if (o.KlInReward && refLogProbs is not null)
        {
            using var _ = torch.no_grad();
            var kl = KlPenalty.Compute(_klKind, batch.OldLogProbs, refLogProbs) * lossMask;
            tokenRewards = -_klCoefficient * kl;
            var perSequence = kl.sum(-1) / lossMask.sum(-1).clamp_min(1.0);
            var hasTokens = lossMask.sum(-1).gt(0);
            rewardKl = hasTokens.any().item<bool>() ? perSequence.masked_select(hasTokens).mean().item<float>() : 0;
        }

        var scores = torch.tensor(batch.Scores, device: device);
        var groupIds = torch.tensor(Enumerable.Range(0, b).Select(i => (long)(i / o.GroupSize)).ToArray(), device: device);
        Tensor advantages;
        Tensor? returns = null;
        double explainedVariance = double.NaN;
        if (_critic is not null)
        {
            (advantages, returns) = TokenLevelGae.Compute(new GroupAdvantageInput(scores, groupIds, mask, TokenRewards: tokenRewards), oldValues!, o.Gamma, o.Lambda);
            var valid = lossMask.ne(0);
            explainedVariance = ExplainedVariance.Compute(oldValues!.masked_select(valid), returns.masked_select(valid));
        }
        else
        {
            if (tokenRewards is not null && !TokenLevelEstimators.Contains(o.EstimatorKey))
            {
                scores = scores + tokenRewards.sum(-1);
                tokenRewards = null;
            }
            var baselines = batch.BaselineScores is null ? null : torch.tensor(batch.BaselineScores, device: device);
            advantages = _estimator!(new GroupAdvantageInput(scores, groupIds, mask, baselines, tokenRewards));
        }

        int mini = o.MiniBatchSize > 0 ? Math.Min(o.MiniBatchSize, b) : b;
        micro = Math.Min(micro, mini);
        var active = ActiveRows(advantages, lossMask, refLogProbs is not null, mini == b);
        double? maxLength = o.Aggregation == LossAggregationMode.SeqMeanTokenSumNorm ? mask.shape[1] : null;
        double? dualClip = o.DualClip > 0 ? o.DualClip : null;
        double lossSum = 0, gradNormSum = 0, valueLossSum = 0;
        double tokens = 0, trained = 0, entropySum = 0, klSum = 0, clipped = 0, clipLow = 0, clipHigh = 0, dual = 0;
        int optimizerSteps = 0;
        _policy.train();
        _critic?.train();
        for (int epoch = 0; epoch < o.Epochs; epoch++)
            for (int start = 0; start < b; start += mini)
            {
                using var miniScope = torch.NewDisposeScope();
                int len = Math.Min(mini, b - start);
                var miniMask = lossMask.narrow(0, start, len);
                // The 80/20 selection pools the whole mini-batch, so it needs every micro-batch's entropy first.
                var trainMask = o.EntropyTopFraction < 1
                    ? HighEntropyTokenMask.Select(MiniBatchEntropy(batch, start, len, micro), miniMask, o.EntropyTopFraction)
                    : miniMask;
                // Normalizers of the whole mini-batch: micro-batch losses then sum to the mini-batch loss.
                double pgNorm = LossAggregation.GlobalNormalizer(trainMask, o.Aggregation);
                double fullNorm = LossAggregation.GlobalNormalizer(miniMask, o.Aggregation);
                _optimizer.zero_grad();
                _criticOptimizer?.zero_grad();
                int rows = active is null ? len : (int)active.shape[0];
                for (int ms = start; ms < start + rows; ms += micro)
                {
                    using var microScope = torch.NewDisposeScope();
                    int ml = Math.Min(micro, start + rows - ms);
                    Tensor Rows(Tensor x) => active is null ? x.narrow(0, ms, ml) : x.index_select(0, active.narrow(0, ms, ml));
                    var m = Rows(lossMask);
                    var tm = active is null ? trainMask.narrow(0, ms - start, ml) : trainMask.index_select(0, active.narrow(0, ms, ml));
                    var (logProbs, entropy, _) = SequenceLogProbs.Compute(_policy, Rows(batch.Prompt), Rows(batch.PromptMask), Rows(batch.Tokens), Rows(mask), o.Temperature);
                    var old = Rows(batch.OldLogProbs);
                    var adv = Rows(advantages);
                    var (perToken, clippedMask) = PerTokenLoss(logProbs, old, adv, m);
                    var loss = LossAggregation.Aggregate(perToken, tm, o.Aggregation, pgNorm, maxLength);
                    if (refLogProbs is not null)
                    {
                        var kl = KlPenalty.Compute(_klKind, logProbs, Rows(refLogProbs));
                        if (!o.KlInReward) loss = loss + _klCoefficient * LossAggregation.Aggregate(kl, m, o.Aggregation, fullNorm, maxLength);
                        klSum += (kl.detach() * m).sum().item<float>();
                    }
                    if (o.EntropyCoefficient > 0)
                        loss = loss - o.EntropyCoefficient * LossAggregation.Aggregate(entropy, m, o.Aggregation, fullNorm, maxLength);
                    loss.backward();
                    lossSum += loss.item<float>();

                    tokens += m.sum().item<float>();
                    trained += tm.sum().item<float>();
                    entropySum += (entropy.detach() * m).sum().item<float>();
                    clipped += (clippedMask.to(ScalarType.Float32) * m).sum().item<float>();
                    if (o.Loss == PolicyLossKind.PpoClip)
                    {
                        var (low, high, d) = ClipStatistics.Masks(logProbs, old, adv, o.ClipLow, o.ClipHigh, dualClip, o.LogRatioClamp);
                        clipLow += (low.to(ScalarType.Float32) * m).sum().item<float>();
                        clipHigh += (high.to(ScalarType.Float32) * m).sum().item<float>();
                        dual += (d.to(ScalarType.Float32) * m).sum().item<float>();
                    }
                    if (_critic is not null)
                    {
                        var values = SequenceLogProbs.Compute(_critic, Rows(batch.Prompt), Rows(batch.PromptMask), Rows(batch.Tokens), Rows(mask), o.Temperature).Values!;
                        var perTokenValue = ValueLoss.Compute(values, Rows(returns!), Rows(oldValues!), o.ValueClipRange > 0 ? o.ValueClipRange : null);
                        var valueLoss = o.ValueCoefficient * LossAggregation.Aggregate(perTokenValue, m, o.Aggregation, fullNorm, maxLength);
                        valueLoss.backward();
                        valueLossSum += valueLoss.item<float>();
                    }
                }
                gradNormSum += nn.utils.clip_grad_norm_(_policy.parameters(), o.MaxGradNorm);
                _optimizer.step();
                if (_critic is not null)
                {
                    nn.utils.clip_grad_norm_(_critic.parameters(), o.MaxGradNorm);
                    _criticOptimizer!.step();
                }
                optimizerSteps++;
            }

        double Mean(double x) => tokens > 0 ? x / tokens : 0;
        double klMean = refLogProbs is null ? 0 : Mean(klSum);
        return new UpdateStats(lossSum / optimizerSteps, gradNormSum / optimizerSteps, Mean(entropySum), klMean,
            o.KlInReward ? rewardKl : klMean, Mean(clipped), Mean(clipLow), Mean(clipHigh), Mean(dual),
            _critic is null ? double.NaN : valueLossSum / optimizerSteps, explainedVariance, tokens > 0 ? trained / tokens : 0);
    }

    /// <summary>
    /// The rows whose forward/backward can change the gradient, or null for all rows. A response whose
    /// advantage is 0 on every token adds exactly 0 to the policy-loss gradient of every loss here
    /// (PPO clip, CISPO, GSPO and REINFORCE all scale by A), so when the loss has no other per-token term
    /// (no KL in the loss, no entropy bonus, no critic) its rows are skipped; the loss normalizers still
    /// count them, so the gradient is the same as the full batch's. At 64 × 8 on Addition-v0, 25–45 % of
    /// the groups have equal rewards (advantage 0): that share of the update's cost. Only with one
    /// mini-batch per epoch (mini-batches are contiguous row ranges).
    /// </summary>
    Tensor? ActiveRows(Tensor advantages, Tensor lossMask, bool klInLoss, bool oneMiniBatch)
    {
        var o = _options;
        if (!o.SkipZeroAdvantageRows || !oneMiniBatch || _critic is not null || o.EntropyCoefficient > 0 || (klInLoss && !o.KlInReward)) return null;
        var active = (advantages * lossMask).abs().sum(-1).gt(0).nonzero().view(-1);
        return active.shape[0] == advantages.shape[0] ? null : active;
    }

    /// <summary>Log-probs (or values) of the batch's responses under a frozen model, in micro-batches, without gradient.</summary>
    Tensor Evaluate(TransformerPolicy model, RolloutBatch batch, int micro, bool values)
    {
        using var _ = torch.no_grad();
        bool training = model.training;
        model.eval();
        var parts = new List<Tensor>();
        int b = batch.Samples.Length;
        for (int s = 0; s < b; s += micro)
        {
            int l = Math.Min(micro, b - s);
            var r = SequenceLogProbs.Compute(model, batch.Prompt.narrow(0, s, l), batch.PromptMask.narrow(0, s, l),
                batch.Tokens.narrow(0, s, l), batch.Mask.narrow(0, s, l), _options.Temperature);
            parts.Add(values ? r.Values! : r.LogProbs);
        }
        if (training) model.train();
        return torch.cat(parts.ToArray(), 0);
    }

    /// <summary>Token entropies [len, C] of the current policy on rows start..start+len, without gradient.</summary>
    Tensor MiniBatchEntropy(RolloutBatch batch, int start, int len, int micro)
    {
        using var _ = torch.no_grad();
        var parts = new List<Tensor>();
        for (int s = start; s < start + len; s += micro)
        {
            int l = Math.Min(micro, start + len - s);
            parts.Add(SequenceLogProbs.Compute(_policy, batch.Prompt.narrow(0, s, l), batch.PromptMask.narrow(0, s, l),
                batch.Tokens.narrow(0, s, l), batch.Mask.narrow(0, s, l), _options.Temperature).Entropy);
        }
        return torch.cat(parts.ToArray(), 0);
    }

    (Tensor Loss, Tensor Clipped) PerTokenLoss(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor mask) => _options.Loss switch
    {
        PolicyLossKind.PpoClip => ClippedSurrogateObjective.Compute(logProbs, oldLogProbs, advantages, _options.ClipLow, _options.ClipHigh,
            _options.DualClip > 0 ? _options.DualClip : null, _options.LogRatioClamp),
        PolicyLossKind.Gspo => GspoObjective.Compute(logProbs, oldLogProbs, advantages, mask, _options.ClipLow, _options.ClipHigh),
        PolicyLossKind.Cispo => CispoObjective.Compute(logProbs, oldLogProbs, advantages, _options.ClipLow, _options.ClipHigh),
        _ => (PolicyGradientLoss.Compute(logProbs, advantages), torch.zeros_like(logProbs, dtype: ScalarType.Bool)),
    };
}
