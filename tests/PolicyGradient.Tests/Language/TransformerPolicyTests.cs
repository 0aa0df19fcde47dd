using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Language;

/// <summary>Model shape, padding and KV-cache invariants, and sampler ↔ recompute agreement.</summary>
public class TransformerPolicyTests
{
    const int Vocab = 11, Eos = 2, Pad = 0;

    // Tiny models: one intra-op thread is fastest and avoids oversubscribing a shared machine.
    public TransformerPolicyTests() => torch.set_num_threads(1);

    public static TheoryData<string> Variants => new() { "gpt2", "llama", "qwen2" };

    static readonly TransformerConfig LlamaShape = new()
    {
        VocabularySize = Vocab, Layers = 2, Width = 32, Heads = 4, MaxPositions = 64, Norm = NormKind.RmsNorm,
        Positions = PositionKind.Rotary, Mlp = MlpKind.SwiGlu, TieEmbeddings = false, Bias = false, ValueHead = true,
    };

    static TransformerPolicy Make(string variant, long seed = 1) => new(variant switch
    {
        "gpt2" => new TransformerConfig { VocabularySize = Vocab, Layers = 2, Width = 32, Heads = 4, MaxPositions = 64 },
        "llama" => LlamaShape,
        // Qwen2's shape: grouped-query attention (2 key/value heads for 4 query heads), biases on q/k/v only.
        _ => LlamaShape with { KeyValueHeads = 2, QkvBias = true, TieEmbeddings = true, ValueHead = false, RopeTheta = 1e6, NormEpsilon = 1e-6 },
    }, seed);

    static (Tensor, Tensor) Prompts() => PromptBatch.LeftPad([[1, 5, 6, 7], [1, 8], [1, 3, 4]], Pad);

    [Theory, MemberData(nameof(Variants))]
    public void Forward_shapes_and_parameter_count(string variant)
    {
        using var scope = torch.NewDisposeScope();
        var model = Make(variant);
        var (tokens, mask) = Prompts();
        var output = model.Forward(tokens, mask);
        Assert.Equal(new long[] { 3, 4, Vocab }, output.Logits.shape);
        Assert.Equal(variant == "llama", output.Values is not null);
        if (variant == "gpt2")
        {
            // embeddings 11·32 + 64·32; per layer: 2 LayerNorms (2·64) + 4 attn (4·(32·32+32)) + MLP (32·128+128 + 128·32+32); final norm 64.
            long perLayer = 2 * 64 + 4 * (32 * 32 + 32) + (32 * 128 + 128) + (128 * 32 + 32);
            Assert.Equal(11 * 32 + 64 * 32 + 2 * perLayer + 64, model.ParameterCount);
        }
        Assert.False(output.Logits.isnan().any().item<bool>());
    }

    [Theory, MemberData(nameof(Variants))]
    public void Left_padding_does_not_change_a_prompts_logits(string variant)
    {
        using var scope = torch.NewDisposeScope();
        var model = Make(variant);
        using var _ = torch.no_grad();
        var (alone, aloneMask) = PromptBatch.LeftPad([[1, 8]], Pad);
        var (batch, batchMask) = Prompts();
        var a = model.Forward(alone, aloneMask).Logits[0, -1];
        var b = model.Forward(batch, batchMask).Logits[1, -1];
        Assert.True(a.allclose(b, rtol: 1e-4, atol: 1e-5), "padding changed the logits");
    }

    [Theory, MemberData(nameof(Variants))]
    public void Kv_cache_logits_equal_a_full_recompute(string variant)
    {
        using var scope = torch.NewDisposeScope();
        var model = Make(variant);
        using var _ = torch.no_grad();
        var (prompt, promptMask) = Prompts();
        var continuation = torch.tensor(new long[,] { { 3, 4, 5 }, { 6, 7, 8 }, { 9, 10, 3 } });
        var tokens = torch.cat([prompt, continuation], 1);
        var mask = torch.cat([promptMask, torch.ones_like(continuation)], 1);
        var full = model.Forward(tokens, mask).Logits;

        using var cache = model.NewCache(3, 7);
        var prefill = model.Forward(prompt, promptMask, cache).Logits;
        Assert.True(prefill.allclose(full.narrow(1, 0, 4), rtol: 1e-4, atol: 1e-5));
        for (int t = 0; t < 3; t++)
        {
            var step = model.Forward(continuation.narrow(1, t, 1), mask.narrow(1, 0, 5 + t), cache).Logits;
            var diff = (step.select(1, 0) - full.select(1, 4 + t)).abs().max().item<float>();
            Assert.True(diff < 1e-5, $"step {t}: cached logits differ by {diff}");
        }
        Assert.Equal(7, cache.Length);
    }

    [Theory, MemberData(nameof(Variants))]
    public void Sampled_log_probs_equal_the_trainers_recompute(string variant)
    {
        using var scope = torch.NewDisposeScope();
        var model = Make(variant);
        var (prompt, promptMask) = Prompts();
        var options = new SamplingOptions { MaxNewTokens = 12, Temperature = 0.7, TopK = 6, TopP = 0.95 };
        var result = Sampler.Generate(model, prompt, promptMask, Eos, Pad, options, new Generator(3));
        var (logProbs, entropy, _) = SequenceLogProbs.Compute(model, result.PromptTokens, result.PromptMask, result.Tokens, result.Mask, options.Temperature);
        var diff = (logProbs - result.LogProbs).abs().max().item<float>();
        Assert.True(diff < 1e-5, $"sampled and recomputed log-probs differ by {diff}");
        Assert.True(result.Mask.sum().item<float>() > 0);
        Assert.True((entropy * result.Mask).min().item<float>() >= 0);
    }

    [Fact]
    public void Generation_stops_after_eos_and_masks_the_rest()
    {
        using var scope = torch.NewDisposeScope();
        var model = Make("gpt2", seed: 5);
        var (prompt, promptMask) = PromptBatch.LeftPad(Enumerable.Range(0, 16).Select(i => new[] { 1, 3 + i % 8 }).ToArray(), Pad);
        var result = Sampler.Generate(model, prompt, promptMask, Eos, Pad, new SamplingOptions { MaxNewTokens = 40 }, new Generator(7));
        var tokens = result.Tokens.data<long>().ToArray();
        var mask = result.Mask.data<float>().ToArray();
        int stopped = 0;
        for (int i = 0; i < 16; i++)
        {
            bool afterEos = false;
            for (int t = 0; t < result.Tokens.shape[1]; t++)
            {
                int k = i * (int)result.Tokens.shape[1] + t;
                Assert.Equal(afterEos ? 0f : 1f, mask[k]);
                if (afterEos) Assert.Equal(Pad, tokens[k]);
                if (tokens[k] == Eos && !afterEos) { afterEos = true; stopped++; }
            }
        }
        Assert.True(stopped > 0, "no sequence emitted EOS in 40 tokens of an 11-token vocabulary");
    }

    [Fact]
    public void Greedy_is_deterministic_and_follows_the_argmax()
    {
        using var scope = torch.NewDisposeScope();
        var model = Make("llama");
        var (prompt, promptMask) = Prompts();
        var options = new SamplingOptions { MaxNewTokens = 6, Greedy = true, StopAtEos = false };
        var a = Sampler.Generate(model, prompt, promptMask, Eos, Pad, options);
        var b = Sampler.Generate(model, prompt, promptMask, Eos, Pad, options);
        Assert.True(a.Tokens.eq(b.Tokens).all().item<bool>());
        using var _ = torch.no_grad();
        var logits = model.Forward(torch.cat([prompt, a.Tokens], 1), torch.cat([promptMask, a.Mask.to(ScalarType.Int64)], 1)).Logits;
        var argmax = logits.narrow(1, 3, 6).argmax(-1);
        Assert.True(argmax.eq(a.Tokens).all().item<bool>());
    }

    [Fact]
    public void Same_generator_seed_gives_the_same_samples()
    {
        using var scope = torch.NewDisposeScope();
        var model = Make("gpt2");
        var (prompt, promptMask) = Prompts();
        var o = new SamplingOptions { MaxNewTokens = 10 };
        var a = Sampler.Generate(model, prompt, promptMask, Eos, Pad, o, new Generator(42));
        var b = Sampler.Generate(model, prompt, promptMask, Eos, Pad, o, new Generator(42));
        Assert.True(a.Tokens.eq(b.Tokens).all().item<bool>());
    }

    [Fact]
    public void Nucleus_filter_keeps_the_smallest_set_reaching_p()
    {
        using var scope = torch.NewDisposeScope();
        // probs 0.5, 0.3, 0.15, 0.05: p = 0.8 keeps {0.5, 0.3}; p = 0.81 also keeps 0.15.
        var logits = torch.tensor(new float[] { 0.3f, 0.5f, 0.05f, 0.15f }).log().unsqueeze(0);
        var kept = Sampler.NucleusFilter(logits, 0.8).isfinite().data<bool>().ToArray();
        Assert.Equal(new[] { true, true, false, false }, kept);
        kept = Sampler.NucleusFilter(logits, 0.81).isfinite().data<bool>().ToArray();
        Assert.Equal(new[] { true, true, false, true }, kept);
    }

    [Fact]
    public void Bad_configuration_is_reported()
    {
        Assert.Throws<ArgumentException>(() => new TransformerPolicy(new TransformerConfig { VocabularySize = 10, Width = 30, Heads = 4 }));
        Assert.Throws<ArgumentException>(() => new SamplingOptions { Temperature = 0 }.Validate());
    }
}
