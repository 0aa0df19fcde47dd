using PolicyGradient.Interop;
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

    /// <summary>The tensors every mini-batch of one update reads.</summary>
    /// <param name="Rollout">The sampled batch.</param>
    /// <param name="LossMask">[B, C] response mask with invalid samples zeroed.</param>
    /// <param name="Advantages">[B, C] token advantages.</param>
    /// <param name="Returns">[B, C] critic targets, or null without a critic.</param>
    /// <param name="OldValues">[B, C] critic values at sampling time, or null.</param>
    /// <param name="RefLogProbs">[B, C] log-probs of the frozen KL reference, or null.</param>
    /// <param name="Active">Rows to forward (<see cref="ActiveRows"/>), or null for all.</param>
    /// <param name="Micro">Rows per forward/backward pass.</param>
    /// <param name="MaxLength">Dr. GRPO's constant L_max, or null.</param>
    /// <param name="GroupIds">[B] the prompt index of each row (rows of a group are contiguous).</param>
    sealed record UpdateBatch(RolloutBatch Rollout, Tensor LossMask, Tensor Advantages, Tensor? Returns, Tensor? OldValues,
        Tensor? RefLogProbs, Tensor? Active, int Micro, double? MaxLength, Tensor GroupIds);

    /// <summary>Running sums of one update, in the order the forward passes produce them.</summary>
    sealed class UpdateSums
    {
        public double Loss, GradNorm, ValueLoss, Tokens, Trained, Entropy, Kl, Clipped, ClipLow, ClipHigh, Dual;
        public int OptimizerSteps;
        public double Mean(double x) => Tokens > 0 ? x / Tokens : 0;
    }

    UpdateStats Update(RolloutBatch batch)
    {
        var o = _options;
        int b = batch.Samples.Length;
        var validRows = torch.tensor(batch.Scores.Select(s => float.IsNaN(s) ? 0f : 1f).ToArray(), device: batch.Tokens.device).unsqueeze(1);
        var lossMask = batch.Mask * validRows;   // invalid samples train on nothing
        int micro = o.MicroBatchSize > 0 ? o.MicroBatchSize : b;
        var refLogProbs = _reference is null ? null : Evaluate(_reference, batch, micro, values: false);
        var oldValues = _critic is null ? null : Evaluate(_critic, batch, micro, values: true);
        var (tokenRewards, rewardKl) = KlRewards(batch, refLogProbs, lossMask);
        var (advantages, returns, explainedVariance) = Advantages(batch, lossMask, tokenRewards, oldValues);
        // Stale completions (cluster async): w·A per token; for w ≥ 0 the clipped surrogate of wA is w times the surrogate of A.
        if (batch.ImportanceWeights is { } weights) advantages = advantages.mul(weights);

        int mini = o.MiniBatchSize > 0 ? Math.Min(o.MiniBatchSize, b) : b;
        var u = new UpdateBatch(batch, lossMask, advantages, returns, oldValues, refLogProbs,
            ActiveRows(advantages, lossMask, refLogProbs is not null, mini == b), Math.Min(micro, mini),
            o.Aggregation == LossAggregationMode.SeqMeanTokenSumNorm ? batch.Mask.shape[1] : null, GroupIds(batch));
        var sums = new UpdateSums();
        Diagnostics.MemoryProbe.Mark("grpo", _step, "advantages");
        _policy.train();
        _critic?.train();
        for (int epoch = 0; epoch < o.Epochs; epoch++)
            for (int start = 0; start < b; start += mini)
                TrainMiniBatch(u, start, Math.Min(mini, b - start), sums);

        double klMean = refLogProbs is null ? 0 : sums.Mean(sums.Kl);
        int steps = sums.OptimizerSteps;
        return new UpdateStats(sums.Loss / steps, sums.GradNorm / steps, sums.Mean(sums.Entropy), klMean,
            o.Kl.InReward ? rewardKl : klMean, sums.Mean(sums.Clipped), sums.Mean(sums.ClipLow), sums.Mean(sums.ClipHigh), sums.Mean(sums.Dual),
            _critic is null ? double.NaN : sums.ValueLoss / steps, explainedVariance, sums.Tokens > 0 ? sums.Trained / sums.Tokens : 0);
    }

    /// <summary>
    /// The KL in the reward (verl use_kl_in_reward): token rewards r̃_t = −β·kl(π_old, π_ref)_t, and what the
    /// adaptive controller sees, the mean over sequences of the per-sequence token mean. (null, NaN) when off.
    /// </summary>
    (Tensor? TokenRewards, double RewardKl) KlRewards(RolloutBatch batch, Tensor? refLogProbs, Tensor lossMask)
    {
        if (!_options.Kl.InReward || refLogProbs is null) return (null, double.NaN);
        using var _ = torch.no_grad();
        var kl = KlPenalty.Compute(_klKind, batch.OldLogProbs, refLogProbs) * lossMask;
        using var minusBeta = (-_klCoefficient).ToScalar();
        var tokenRewards = kl.mul(minusBeta);
        var perSequence = kl.sum(-1) / lossMask.sum(-1).clamp_min(One);
        var hasTokens = lossMask.sum(-1).gt(Zero);
        double rewardKl = hasTokens.any().item<bool>() ? perSequence.masked_select(hasTokens).mean().item<float>() : 0;
        return (tokenRewards, rewardKl);
    }

    /// <summary>
    /// Token advantages from the estimator entry: with a critic, its estimator over the rollout values (returns
    /// and the critic's explained variance too); otherwise the outcome estimator, which sees token rewards only
    /// when it reads them (else their sum is added to the score, as verl does) and greedy baselines when it needs them.
    /// </summary>
    (Tensor Advantages, Tensor? Returns, double ExplainedVariance) Advantages(RolloutBatch batch, Tensor lossMask, Tensor? tokenRewards, Tensor? oldValues)
    {
        var device = batch.Tokens.device;
        var scores = torch.tensor(ClipRewards(batch.Scores), device: device);
        var groupIds = GroupIds(batch);
        if (_estimator.CriticEstimator is { } withCritic)
        {
            var (advantages, returns) = withCritic(new GroupAdvantageInput(scores, groupIds, batch.Mask, TokenRewards: tokenRewards), oldValues!, _options.Critic.Gamma, _options.Critic.Lambda);
            var valid = lossMask.ne(Zero);
            return (advantages, returns, ExplainedVariance.Compute(oldValues!.masked_select(valid), returns.masked_select(valid)));
        }
        if (tokenRewards is not null && !_estimator.ReadsTokenRewards)
        {
            scores = scores.add(tokenRewards.sum(-1), TorchScalars.One);
            tokenRewards = null;
        }
        var baselines = batch.BaselineScores is null ? null : torch.tensor(ClipRewards(batch.BaselineScores), device: device);
        return (_estimator.Estimator!(new GroupAdvantageInput(scores, groupIds, batch.Mask, baselines, tokenRewards)), null, double.NaN);
    }

    /// <summary>[B] group id of each row: row i belongs to prompt i / group_size.</summary>
    Tensor GroupIds(RolloutBatch batch) =>
        torch.tensor(Enumerable.Range(0, batch.Samples.Length).Select(i => (long)(i / _options.GroupSize)).ToArray(), device: batch.Tokens.device);

    /// <summary>
    /// The rows whose forward/backward can change the gradient, or null for all rows. A response whose
    /// advantage is 0 on every token adds exactly 0 to the policy-loss gradient when the loss entry says so
    /// (<see cref="PolicyLossEntry.ZeroAdvantageRowsInert"/>: PPO clip, CISPO, GSPO, GMPO and REINFORCE scale
    /// by A), so when the update has no other per-token term (no KL in the loss, no entropy bonus, no critic)
    /// its rows are skipped; the loss normalizers still
    /// count them, so the gradient is the same as the full batch's. At 64 × 8 on Addition-v0, 25–45 % of
    /// the groups have equal rewards (advantage 0): that share of the update's cost. Only with one
    /// mini-batch per epoch (mini-batches are contiguous row ranges).
    /// </summary>
    Tensor? ActiveRows(Tensor advantages, Tensor lossMask, bool klInLoss, bool oneMiniBatch)
    {
        var o = _options;
        if (!o.SkipZeroAdvantageRows || !oneMiniBatch || !_loss.ZeroAdvantageRowsInert || _critic is not null || o.Entropy.Coefficient > 0 || (klInLoss && !o.Kl.InReward)) return null;
        var active = (advantages * lossMask).abs().sum(-1).gt(Zero).nonzero().view(-1);
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
            using var part = torch.NewDisposeScope();   // this micro-batch's activations die here, not with the step
            var r = SequenceLogProbs.Compute(model, batch.Prompt.narrow(0, s, l), batch.PromptMask.narrow(0, s, l),
                batch.Tokens.narrow(0, s, l), batch.Mask.narrow(0, s, l), _options.Rollout.Temperature);
            parts.Add((values ? r.Values! : r.LogProbs).MoveToOuterDisposeScope());
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
            using var part = torch.NewDisposeScope();
            parts.Add(SequenceLogProbs.Compute(_policy, batch.Prompt.narrow(0, s, l), batch.PromptMask.narrow(0, s, l),
                batch.Tokens.narrow(0, s, l), batch.Mask.narrow(0, s, l), _options.Rollout.Temperature).Entropy.MoveToOuterDisposeScope());
        }
        return torch.cat(parts.ToArray(), 0);
    }

    /// <summary>Outcome rewards clamped to ±reward_clip when it is set (NaN, an invalid sample, stays NaN).</summary>
    float[] ClipRewards(float[] rewards) =>
        _options.RewardClip is double c ? rewards.Select(r => float.IsNaN(r) ? r : (float)Math.Clamp(r, -c, c)).ToArray() : rewards;
}
