using PolicyGradient.Language.Tasks;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Training;

/// <summary>
/// The responses one group-trainer step trains on, with what sampling them measured. Rows are
/// grouped by prompt (GroupSize consecutive rows per prompt).
/// </summary>
/// <param name="Samples">[B] the problem each row answers.</param>
/// <param name="Prompt">[B, P] left-padded prompt tokens.</param>
/// <param name="PromptMask">[B, P] prompt mask.</param>
/// <param name="Tokens">[B, C] sampled responses.</param>
/// <param name="Mask">[B, C] response mask (EOS included).</param>
/// <param name="OldLogProbs">[B, C] sampler log-probs (π_old).</param>
/// <param name="Scores">[B] rewards (NaN = invalid), overlong shaping included.</param>
/// <param name="BaselineScores">[B] greedy-response rewards per row's prompt (ReMax), else null.</param>
/// <param name="Stats">What the sampling measured over every generated response.</param>
internal sealed record RolloutBatch(TaskSample[] Samples, Tensor Prompt, Tensor PromptMask, Tensor Tokens, Tensor Mask,
    Tensor OldLogProbs, float[] Scores, float[]? BaselineScores, RolloutStats Stats)
{
    /// <summary>[B, C] truncated importance weights of stale completions (<see cref="IGroupSource"/>): the advantages are multiplied by them; null on-policy.</summary>
    public Tensor? ImportanceWeights { get; init; }
}

/// <summary>Sampling statistics over every response generated in a step (dropped groups included).</summary>
internal sealed record RolloutStats(double RewardMean, double RewardStd, double Accuracy, double ZeroStdGroupFraction, int InvalidSamples,
    int GenerationBatches, double GenerationSeconds, long SampledTokens);
