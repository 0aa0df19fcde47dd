using PolicyGradient.Environments;
using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Training;

/// <summary>
/// SFT: minimize the cross-entropy of reference completions (and their EOS) given the prompt,
/// L = −Σ_t m_t log π(y_t | x, y_&lt;t) / Σ_t m_t, masked to the completion so the prompt is not learned.
/// Gives RL a starting policy with non-zero reward.
/// </summary>
public static class SupervisedFineTuning
{
    /// <summary>Trains <paramref name="policy"/> in place; returns the loss of each step.</summary>
    public static IReadOnlyList<float> Train(TransformerPolicy policy, VerifiableTask task, ITokenizer tokenizer, SftOptions options,
        Action<int, float>? onStep = null)
    {
        var rng = new Rng(options.Seed);
        var device = policy.parameters().First().device;
        var optimizer = optim.AdamW(policy.parameters(), options.LearningRate, weight_decay: options.WeightDecay);
        policy.train();
        var losses = new List<float>(options.Steps);
        for (int step = 0; step < options.Steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            var samples = task.SampleTrain(rng, options.BatchSize);
            var (prompt, promptMask) = TaskBatch.Prompts(samples, tokenizer, device);
            var (target, targetMask) = TaskBatch.References(samples, tokenizer, device);
            var (logProbs, _, _) = SequenceLogProbs.Compute(policy, prompt, promptMask, target, targetMask);
            var loss = -logProbs.sum() / targetMask.sum();
            optimizer.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(policy.parameters(), options.MaxGradNorm);
            optimizer.step();
            float value = loss.item<float>();
            losses.Add(value);
            onStep?.Invoke(step, value);
        }
        return losses;
    }
}
