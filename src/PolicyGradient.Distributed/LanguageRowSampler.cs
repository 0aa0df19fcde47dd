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
    static readonly Scalar Zero = 0.ToScalar();

    /// <summary>Tokens, mask and log-probs [b, maxNew] of the rows, and the sampling steps taken.</summary>
    public static (Tensor Tokens, Tensor Mask, Tensor LogProbs, int Draws) Generate(TransformerPolicy policy, Tensor promptTokens, Tensor promptMask,
        int total, int first, ITokenizer tokenizer, SamplingOptions options, Generator generator) =>
        Interop.ScalarLifetimeGuard.Run(() => Run(policy, promptTokens, promptMask, total, first, tokenizer, options, generator));

    static (Tensor, Tensor, Tensor, int) Run(TransformerPolicy policy, Tensor promptTokens, Tensor promptMask,
        int total, int first, ITokenizer tokenizer, SamplingOptions options, Generator generator)
    {
        long b = promptTokens.shape[0], p = promptTokens.shape[1];
        int maxNew = options.MaxNewTokens;
        var stops = options.StopStrings.Count == 0 ? null : new StopStringMatcher(options.StopStrings, tokenizer, (int)b, maxNew);
        using var outer = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        using var pad = tokenizer.PadId.ToScalar();
        using var eos = tokenizer.EosId.ToScalar();
        using var temperature = options.LogProbTemperature.ToScalar();
        var device = promptTokens.device;
        var tokens = torch.full([b, maxNew], pad, ScalarType.Int64, device);
        var mask = torch.zeros([b, maxNew], ScalarType.Float32, device);
        var logProbs = torch.zeros([b, maxNew], ScalarType.Float32, device);
        var attention = torch.zeros([b, p + maxNew], ScalarType.Int64, device);
        attention.narrow(1, 0, p).copy_(promptMask.ne(Zero).to(ScalarType.Int64));
        using var cache = policy.NewCache(b, (int)p + maxNew);
        var finished = torch.zeros(b, ScalarType.Bool, device);
        Tensor lastLogits;
        using (var prefill = torch.NewDisposeScope())
            lastLogits = policy.Forward(promptTokens, attention.narrow(1, 0, p), cache).Logits.select(1, -1).clone().MoveToOuterDisposeScope();
        int draws = 0;
        for (int step = 0; step < maxNew; step++)
        {
            using var stepScope = torch.NewDisposeScope();
            var scaled = lastLogits.to(ScalarType.Float32).div(temperature);
            var logSoftmax = nn.functional.log_softmax(scaled, -1);
            var probs = nn.functional.softmax(scaled, -1);
            // The whole batch's Exp(1) noise, as multinomial draws it; this worker's rows of it.
            var q = torch.empty([total, scaled.shape[1]], ScalarType.Float32, device).exponential_(1.0, generator).narrow(0, first, b);
            draws++;
            var next = probs.div(q).argmax(-1);
            var logp = logSoftmax.gather(-1, next.unsqueeze(-1)).squeeze(-1);
            var alive = finished.logical_not();
            next = torch.where(alive, next, torch.full_like(next, pad));
            tokens.narrow(1, step, 1).copy_(next.unsqueeze(1));
            mask.narrow(1, step, 1).copy_(alive.to(ScalarType.Float32).unsqueeze(1));
            logProbs.narrow(1, step, 1).copy_((logp * alive.to(logp.dtype)).to(ScalarType.Float32).unsqueeze(1));
            if (options.StopAtEos) finished.logical_or_(next.eq(eos));
            if (stops is not null) finished.logical_or_(stops.Append(next, alive));
            if (step == maxNew - 1 || finished.all().item<bool>()) break;
            attention.narrow(1, p + step, 1).copy_(alive.to(ScalarType.Int64).unsqueeze(1));
            var previous = lastLogits;
            lastLogits = policy.Forward(next.unsqueeze(1), attention.narrow(1, 0, p + step + 1), cache).Logits.select(1, -1).MoveToOuterDisposeScope();
            previous.Dispose();
        }
        return (tokens.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope(), logProbs.MoveToOuterDisposeScope(), draws);
    }
}
