using static TorchSharp.torch;

namespace PolicyGradient.Language.Generation;

/// <summary>
/// A batch of completions. The caller owns the tensors (they live in the caller's dispose scope).
/// </summary>
/// <param name="PromptTokens">[B, P] left-padded prompt ids (int64).</param>
/// <param name="PromptMask">[B, P] 1 on real prompt tokens.</param>
/// <param name="Tokens">[B, C] generated ids, padding after EOS or a stop string.</param>
/// <param name="Mask">[B, C] float 1 on generated tokens up to and including EOS (or the token that completed a stop string), 0 after: the response mask.</param>
/// <param name="LogProbs">[B, C] log π(y_t | ·) of each generated token under the temperature-scaled
/// full softmax (top-k/top-p truncation is not reflected), 0 where the mask is 0 — the same numbers
/// <see cref="SequenceLogProbs"/> recomputes.</param>
public sealed record GenerationResult(Tensor PromptTokens, Tensor PromptMask, Tensor Tokens, Tensor Mask, Tensor LogProbs);
