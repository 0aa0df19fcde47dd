using TorchSharp;
using PolicyGradient.Language.Model;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Generation;

/// <summary>
/// The trainer's recompute: per-token log-probabilities (with gradient) of given completions after
/// given prompts, in one forward pass over prompt ‖ completion. Logits at position P − 1 + t predict
/// completion token t; they are divided by the sampling temperature first (as verl and TRL do), so
/// on-policy the result equals the sampler's log-probs.
/// </summary>
public static class SequenceLogProbs
{
    static readonly Scalar Zero = 0.ToScalar();

    /// <summary>Log-probs, entropies of the full (temperature-scaled) distributions, and values (when the
    /// policy has a value head), each [B, C]; all three are 0 where <paramref name="completionMask"/> is 0.</summary>
    public static (Tensor LogProbs, Tensor Entropy, Tensor? Values) Compute(TransformerPolicy policy,
        Tensor promptTokens, Tensor promptMask, Tensor completion, Tensor completionMask, double temperature = 1.0)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be > 0");
        long p = promptTokens.shape[1], c = completion.shape[1];
        var tokens = torch.cat([promptTokens, completion], 1);
        var mask = torch.cat([promptMask.ne(Zero), completionMask.ne(Zero)], 1);
        var output = policy.Forward(tokens, mask);
        using var t = temperature.ToScalar();
        var logits = output.Logits.narrow(1, p - 1, c).div(t);
        var logSoftmax = nn.functional.log_softmax(logits, -1);
        var m = completionMask.ne(Zero).to(logits.dtype);
        var logProbs = logSoftmax.gather(-1, completion.unsqueeze(-1)).squeeze(-1) * m;
        var entropy = -(logSoftmax.exp() * logSoftmax).sum(-1) * m;
        var values = output.Values is null ? null : output.Values.narrow(1, p - 1, c) * m;
        return (logProbs, entropy, values);
    }
}
