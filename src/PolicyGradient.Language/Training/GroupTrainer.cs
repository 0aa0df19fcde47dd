using System.Diagnostics;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Training;

/// <summary>
/// A minimal group trainer for the GRPO family (Shao et al. 2024), composed from the shared pieces:
/// per step, sample K responses for each of N prompts (<see cref="Sampler"/>), score them with the
/// reward (a throwing reward gives NaN = invalid), turn scores into token advantages with a named
/// estimator (<see cref="AdvantageEstimatorRegistry"/>), recompute log-probs with gradient
/// (<see cref="SequenceLogProbs"/>), apply the chosen policy loss, aggregate with the mask
/// (<see cref="LossAggregation"/>), optionally add β·k3 KL to a frozen reference, clip the gradient
/// norm and take an AdamW step. Old log-probs are the sampler's (the same numbers, tested), so the
/// first epoch is exactly on-policy.
/// </summary>
public sealed partial class GroupTrainer
{
    readonly TransformerPolicy _policy;
    readonly TransformerPolicy? _reference;
    readonly VerifiableTask _task;
    readonly ITokenizer _tokenizer;
    readonly GroupTrainerOptions _options;
    readonly GroupAdvantageEstimator _estimator;
    readonly RewardFunction _reward;
    readonly optim.Optimizer _optimizer;
    readonly Rng _rng;
    readonly Generator _generator;
    int _step;

    /// <summary>A trainer that updates <paramref name="policy"/> in place.</summary>
    public GroupTrainer(TransformerPolicy policy, VerifiableTask task, ITokenizer tokenizer, GroupTrainerOptions options,
        AdvantageEstimatorRegistry? estimators = null)
    {
        options.Validate();
        _policy = policy; _task = task; _tokenizer = tokenizer; _options = options;
        _estimator = (estimators ?? AdvantageEstimatorRegistry.CreateDefault()).Get(options.Estimator);
        _reward = options.Reward ?? task.RewardFunction;
        _optimizer = optim.AdamW(policy.parameters(), options.LearningRate, weight_decay: 0.0);
        _rng = new Rng(options.Seed);
        _generator = new Generator((ulong)options.Seed + 1);
        if (options.KlCoefficient > 0)
        {
            _reference = new TransformerPolicy(policy.Config);
            _reference.load_state_dict(policy.state_dict());
            _reference.eval();
            foreach (var p in _reference.parameters()) p.requires_grad = false;
        }
    }

    /// <summary>One sample → score → advantage → update cycle.</summary>
    public GroupStepMetrics Step()
    {
        using var scope = torch.NewDisposeScope();
        var device = _policy.parameters().First().device;
        int k = _options.GroupSize;
        var prompts = _task.SampleTrain(_rng, _options.PromptsPerStep);
        var samples = prompts.SelectMany(p => Enumerable.Repeat(p, k)).ToArray();
        var groupIds = torch.tensor(Enumerable.Range(0, samples.Length).Select(i => (long)(i / k)).ToArray(), device: device);

        var clock = Stopwatch.StartNew();
        var (prompt, promptMask) = TaskBatch.Prompts(samples, _tokenizer, device);
        var sampling = new SamplingOptions { Temperature = _options.Temperature, MaxNewTokens = _options.MaxNewTokens ?? _task.MaxCompletionLength + 1 };
        _policy.eval();
        var rollout = Sampler.Generate(_policy, prompt, promptMask, _tokenizer.EosId, _tokenizer.PadId, sampling, _generator);
        double generationSeconds = clock.Elapsed.TotalSeconds;

        var texts = TaskBatch.Decode(rollout.Tokens, _tokenizer);
        var scores = new float[samples.Length];
        int invalid = 0, correct = 0;
        for (int i = 0; i < samples.Length; i++)
        {
            var r = RewardEvaluation.Evaluate(_reward, samples[i].Prompt, texts[i], samples[i]);
            scores[i] = r.Score;
            if (!r.IsValid) invalid++;
            if (_task.Verify(texts[i], samples[i]) == 1f) correct++;
        }
        var mask = rollout.Mask;
        var advantages = _estimator(new GroupAdvantageInput(torch.tensor(scores, device: device), groupIds, mask));
        // Invalid samples train on nothing.
        var validRows = torch.tensor(scores.Select(s => float.IsNaN(s) ? 0f : 1f).ToArray(), device: device).unsqueeze(1);
        var lossMask = mask * validRows;
        Tensor? refLogProbs = null;
        if (_reference is not null)
            using (torch.no_grad())
                refLogProbs = SequenceLogProbs.Compute(_reference, prompt, promptMask, rollout.Tokens, mask, _options.Temperature).LogProbs;

        clock.Restart();
        _policy.train();
        double gradNorm = 0, lossValue = 0, clipFraction = 0, entropyMean = 0, kl = 0;
        for (int epoch = 0; epoch < _options.Epochs; epoch++)
        {
            using var epochScope = torch.NewDisposeScope();
            var (logProbs, entropy, _) = SequenceLogProbs.Compute(_policy, prompt, promptMask, rollout.Tokens, mask, _options.Temperature);
            var (perToken, clipped) = PerTokenLoss(logProbs, rollout.LogProbs, advantages, lossMask);
            var loss = LossAggregation.Aggregate(perToken, lossMask, _options.Aggregation,
                maxLength: _options.Aggregation == LossAggregationMode.SeqMeanTokenSumNorm ? sampling.MaxNewTokens : null);
            if (refLogProbs is not null)
            {
                var klPerToken = KlEstimators.K3(logProbs, refLogProbs);
                loss = loss + _options.KlCoefficient * LossAggregation.Aggregate(klPerToken, lossMask, LossAggregationMode.TokenMean);
                kl = LossAggregation.Aggregate(klPerToken.detach(), lossMask, LossAggregationMode.TokenMean).item<float>();
            }
            _optimizer.zero_grad();
            loss.backward();
            gradNorm = nn.utils.clip_grad_norm_(_policy.parameters(), _options.MaxGradNorm);
            _optimizer.step();
            lossValue = loss.item<float>();
            clipFraction = ClipFraction.Compute(clipped, lossMask).item<float>();
            entropyMean = LossAggregation.Aggregate(entropy.detach(), mask, LossAggregationMode.TokenMean).item<float>();
        }
        double trainingSeconds = clock.Elapsed.TotalSeconds;

        var valid = scores.Where(s => !float.IsNaN(s)).Select(s => (double)s).ToArray();
        double mean = valid.Length > 0 ? valid.Average() : double.NaN;
        double std = valid.Length > 1 ? Math.Sqrt(valid.Sum(s => (s - mean) * (s - mean)) / (valid.Length - 1)) : 0;
        int zeroStd = 0;
        for (int g = 0; g < prompts.Length; g++)
        {
            var group = scores.Skip(g * k).Take(k).Where(s => !float.IsNaN(s)).ToArray();
            if (group.Length == 0 || group.All(s => s == group[0])) zeroStd++;
        }
        long tokens = (long)mask.sum().item<float>();
        return new GroupStepMetrics(_step++, mean, std, correct / (double)samples.Length, zeroStd / (double)prompts.Length,
            tokens / (double)samples.Length, entropyMean, clipFraction, kl, gradNorm, lossValue, invalid,
            generationSeconds, trainingSeconds, tokens);
    }

    (Tensor Loss, Tensor Clipped) PerTokenLoss(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor mask) => _options.Loss switch
    {
        PolicyLossKind.PpoClip => ClippedSurrogateObjective.Compute(logProbs, oldLogProbs, advantages, _options.ClipLow, _options.ClipHigh, logRatioClamp: 20),
        PolicyLossKind.Gspo => GspoObjective.Compute(logProbs, oldLogProbs, advantages, mask, _options.ClipLow, _options.ClipHigh),
        PolicyLossKind.Cispo => CispoObjective.Compute(logProbs, oldLogProbs, advantages, _options.ClipLow, _options.ClipHigh),
        _ => (PolicyGradientLoss.Compute(logProbs, advantages), torch.zeros_like(logProbs, dtype: ScalarType.Bool)),
    };
}
