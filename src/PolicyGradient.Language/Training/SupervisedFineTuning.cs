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
        var trainer = new SftTrainer(policy, task, tokenizer, options);
        var losses = new List<float>(options.Steps);
        for (int step = 0; step < options.Steps; step++)
        {
            float value = (float)trainer.Step().Loss;
            losses.Add(value);
            onStep?.Invoke(step, value);
        }
        return losses;
    }
}
