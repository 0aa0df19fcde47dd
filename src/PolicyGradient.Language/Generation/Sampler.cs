using TorchSharp;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tokenizers;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Generation;

/// <summary>
/// Batched autoregressive generation with a KV cache: one forward pass over the prompts (prefill),
/// then one single-token pass per step that reuses the cached keys and values, so a step costs O(t)
/// attention instead of recomputing the whole prefix. Sampling: temperature, top-k, top-p, greedy;
/// sequences stop after EOS or once their decoded text contains a stop string (the stopping token is
/// kept, later ones are padding with mask 0). Randomness comes only from the generator passed in.
/// </summary>
public static class Sampler
{
    static readonly Scalar Zero = 0.ToScalar(), NegativeInfinity = float.NegativeInfinity.ToScalar();

    /// <summary>Generates completions for left-padded prompts [B, P] (see <see cref="PromptBatch"/>).
    /// <paramref name="tokenizer"/> decodes completions for <see cref="SamplingOptions.StopStrings"/> (required when any are set).</summary>
    public static GenerationResult Generate(TransformerPolicy policy, Tensor promptTokens, Tensor promptMask, int eosId, int padId,
        SamplingOptions options, Generator? generator = null, ITokenizer? tokenizer = null) =>
        // Many implicit Scalars per token: keep the GC (and so their finalizers) off meanwhile.
        Interop.ScalarLifetimeGuard.Run(() => GenerateUnguarded(policy, promptTokens, promptMask, eosId, padId, options, generator, tokenizer));

    static GenerationResult GenerateUnguarded(TransformerPolicy policy, Tensor promptTokens, Tensor promptMask, int eosId, int padId,
        SamplingOptions options, Generator? generator, ITokenizer? tokenizer)
    {
        options.Validate();
        return Decode(policy, promptTokens, promptMask, eosId, padId, options, tokenizer, logits => Pick(logits, options, generator));
    }

    /// <summary>
    /// The decoding loop with the choice of each token left to <paramref name="pick"/> (logits [B, V] of the
    /// last position → the next token [B] and its log-prob [B]; it runs inside the step's dispose scope): the
    /// prefill, then one cached single-token pass per step until every row is finished or
    /// <see cref="SamplingOptions.MaxNewTokens"/> is reached. <see cref="Generate"/> picks with
    /// <see cref="Pick"/>; a rollout worker that samples some rows of a larger batch picks with the batch's noise.
    /// The caller holds the Scalar lifetime guard.
    /// </summary>
    internal static GenerationResult Decode(TransformerPolicy policy, Tensor promptTokens, Tensor promptMask, int eosId, int padId,
        SamplingOptions options, ITokenizer? tokenizer, Func<Tensor, (Tensor Next, Tensor LogProb)> pick)
    {
        var stops = options.StopStrings.Count == 0 ? null
            : new StopStringMatcher(options.StopStrings, tokenizer ?? throw new ArgumentException("SamplingOptions.StopStrings needs the tokenizer: pass it to Sampler.Generate"),
                (int)promptTokens.shape[0], options.MaxNewTokens);
        bool stopping = options.StopAtEos || stops is not null;
        using var outer = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        long b = promptTokens.shape[0], p = promptTokens.shape[1];
        int maxNew = options.MaxNewTokens;
        var device = promptTokens.device;
        using var pad = padId.ToScalar();
        using var eos = eosId.ToScalar();
        var tokens = torch.full([b, maxNew], pad, ScalarType.Int64, device);
        var mask = torch.zeros([b, maxNew], ScalarType.Float32, device);
        var logProbs = torch.zeros([b, maxNew], ScalarType.Float32, device);
        var attention = torch.zeros([b, p + maxNew], ScalarType.Int64, device);
        attention.narrow(1, 0, p).copy_(promptMask.ne(Zero).to(ScalarType.Int64));
        using var cache = policy.NewCache(b, (int)p + maxNew);
        var finished = torch.zeros(b, ScalarType.Bool, device);

        // The prefill's activations (every layer over the whole prompt) are dead once the cache holds its keys and
        // values: free them before decoding, keeping only a copy of the last position's logits.
        Tensor lastLogits;
        using (var prefill = torch.NewDisposeScope())
            lastLogits = policy.Forward(promptTokens, attention.narrow(1, 0, p), cache).Logits.select(1, -1).clone().MoveToOuterDisposeScope();
        Diagnostics.MemoryProbe.Mark("sampler prefilled");
        for (int step = 0; step < maxNew; step++)
        {
            using var stepScope = torch.NewDisposeScope();
            var (next, logp) = pick(lastLogits);
            var alive = finished.logical_not();
            next = torch.where(alive, next, torch.full_like(next, pad));
            tokens.narrow(1, step, 1).copy_(next.unsqueeze(1));
            mask.narrow(1, step, 1).copy_(alive.to(ScalarType.Float32).unsqueeze(1));
            logProbs.narrow(1, step, 1).copy_((logp * alive.to(logp.dtype)).to(ScalarType.Float32).unsqueeze(1));
            if (options.StopAtEos) finished.logical_or_(next.eq(eos));
            if (stops is not null) finished.logical_or_(stops.Append(next, alive));
            if (step == maxNew - 1 || (stopping && finished.all().item<bool>())) break;
            attention.narrow(1, p + step, 1).copy_(alive.to(ScalarType.Int64).unsqueeze(1));
            var previous = lastLogits;
            lastLogits = policy.Forward(next.unsqueeze(1), attention.narrow(1, 0, p + step + 1), cache).Logits.select(1, -1)
                .MoveToOuterDisposeScope();
            previous.Dispose();   // each step's logits die with the next step (not at the end of generation)
        }
        Diagnostics.MemoryProbe.Mark("sampler decoded");
        return new GenerationResult(promptTokens, promptMask, tokens.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope(),
            logProbs.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Picks the next token from logits [B, V]; returns it and its log-prob under the
    /// temperature-scaled full distribution.
    /// </summary>
    internal static (Tensor Next, Tensor LogProb) Pick(Tensor logits, SamplingOptions options, Generator? generator)
    {
        using var temperature = options.LogProbTemperature.ToScalar();
        var scaled = logits.to(ScalarType.Float32).div(temperature);
        var logSoftmax = nn.functional.log_softmax(scaled, -1);
        Tensor next;
        if (options.Greedy) next = scaled.argmax(-1);
        else
        {
            var filtered = scaled;
            if (options.TopK > 0 && options.TopK < scaled.shape[^1])
            {
                var kth = scaled.topk(options.TopK, -1).values.narrow(-1, options.TopK - 1, 1);
                filtered = filtered.masked_fill(filtered.lt(kth), NegativeInfinity);
            }
            if (options.TopP < 1) filtered = NucleusFilter(filtered, options.TopP);
            next = torch.multinomial(nn.functional.softmax(filtered, -1), 1, generator: generator).squeeze(-1);
        }
        return (next, logSoftmax.gather(-1, next.unsqueeze(-1)).squeeze(-1));
    }

    /// <summary>Sets to −∞ every logit outside the smallest most-likely set whose probability reaches p (the top token always stays).</summary>
    internal static Tensor NucleusFilter(Tensor logits, double p)
    {
        var (sorted, order) = logits.sort(-1, descending: true);
        var probs = nn.functional.softmax(sorted, -1);
        var before = probs.cumsum(-1) - probs;   // mass strictly above each token
        using var mass = p.ToScalar();
        var removed = before.ge(mass);
        var kept = sorted.masked_fill(removed, NegativeInfinity);
        return torch.full_like(logits, NegativeInfinity).scatter(-1, order, kept);
    }
}
