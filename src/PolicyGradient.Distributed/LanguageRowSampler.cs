using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Distributed;

/// <summary>
/// Samples rows [first, first + b) of a batch of <c>total</c> prompts exactly as <see cref="Sampler"/>
/// samples them in the whole batch, so a sync cluster run equals the local one. The sampler draws token
/// t of every row with <c>torch.multinomial(p, 1, generator)</c> on [B, V] probabilities, which libtorch
/// computes as argmax(p / q) with q ~ Exp(1) drawn for the whole [B, V] tensor from the generator
/// (the Gumbel-max trick; ATen's multinomial fast path for one sample). So each worker draws the whole
/// batch's q from the learner's generator state at every step (cheap: V is the vocabulary) and keeps its
/// rows; its forward passes run on its rows only (prompts padded to the batch's length, so positions and
/// attention are the batch's). A worker stops once its rows are finished; the worker whose rows run
/// longest draws as often as the local run, and its generator state is the local run's after the batch.
/// </summary>
internal static class LanguageRowSampler
{
    /// <summary>Tokens, mask and log-probs [b, maxNew] of the rows, and the sampling steps taken.</summary>
    public static (Tensor Tokens, Tensor Mask, Tensor LogProbs, int Draws) Generate(TransformerPolicy policy, Tensor promptTokens, Tensor promptMask,
        int total, int first, ITokenizer tokenizer, SamplingOptions options, Generator generator) =>
        Interop.ScalarLifetimeGuard.Run(() => Run(policy, promptTokens, promptMask, total, first, tokenizer, options, generator));

    static (Tensor, Tensor, Tensor, int) Run(TransformerPolicy policy, Tensor promptTokens, Tensor promptMask,
        int total, int first, ITokenizer tokenizer, SamplingOptions options, Generator generator)
    {
        long b = promptTokens.shape[0];
        using var temperature = options.LogProbTemperature.ToScalar();
        int draws = 0;
        var result = Sampler.Decode(policy, promptTokens, promptMask, tokenizer.EosId, tokenizer.PadId, options, tokenizer, logits =>
        {
            var scaled = logits.to(ScalarType.Float32).div(temperature);
            var logSoftmax = nn.functional.log_softmax(scaled, -1);
            var probs = nn.functional.softmax(scaled, -1);
            // The whole batch's Exp(1) noise, as multinomial draws it; this worker's rows of it.
            var q = torch.empty([total, scaled.shape[1]], ScalarType.Float32, scaled.device).exponential_(1.0, generator).narrow(0, first, b);
            draws++;
            var next = probs.div(q).argmax(-1);
            return (next, logSoftmax.gather(-1, next.unsqueeze(-1)).squeeze(-1));
        });
        return (result.Tokens, result.Mask, result.LogProbs, draws);
    }
}
