using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Language.Generation;

/// <summary>Stop strings end a row like EOS does; top-k and top-p restrict the sampled tokens.</summary>
public class StopStringTests
{
    public StopStringTests() => torch.set_num_threads(1);

    // ids: 0 pad, 1 bos, 2 eos, 3 'a', 4 'b', 5 'c'
    static readonly CharTokenizer Tok = new("abc");

    static TransformerPolicy Model(long seed) => new(new TransformerConfig
    {
        VocabularySize = Tok.VocabularySize, Layers = 1, Width = 16, Heads = 4, KeyValueHeads = 2, MaxPositions = 40,
        Norm = NormKind.RmsNorm, Positions = PositionKind.Rotary, Mlp = MlpKind.SwiGlu, Bias = false, QkvBias = true,
    }, seed);

    [Fact]
    public void A_row_stops_at_the_token_that_completes_a_stop_string_and_log_probs_match_the_recompute()
    {
        using var scope = torch.NewDisposeScope();
        var model = Model(4);
        string[] stops = ["ba", "cc"];
        var (prompt, promptMask) = PromptBatch.LeftPad(Enumerable.Range(0, 24).Select(i => new[] { 1, 3 + i % 3 }).ToArray(), Tok.PadId);
        var options = new SamplingOptions { MaxNewTokens = 20, Temperature = 1.3, StopStrings = stops };
        var result = Sampler.Generate(model, prompt, promptMask, Tok.EosId, Tok.PadId, options, new Generator(9), Tok);

        var tokens = result.Tokens.data<long>().ToArray().Select(x => (int)x).ToArray();
        var mask = result.Mask.data<float>().ToArray();
        int c = (int)result.Tokens.shape[1], stoppedByString = 0;
        for (int i = 0; i < 24; i++)
        {
            int length = Enumerable.Range(0, c).Count(t => mask[i * c + t] == 1f);
            for (int t = 0; t < c; t++)
            {
                Assert.Equal(t < length ? 1f : 0f, mask[i * c + t]);   // a prefix of ones
                if (t >= length) Assert.Equal(Tok.PadId, tokens[i * c + t]);
            }
            var row = tokens.AsSpan(i * c, length);
            string text = Tok.Decode(row), before = Tok.Decode(row[..^1]);
            bool hasStop = stops.Any(text.Contains);
            // The first stop string appears exactly with the last kept token, never earlier.
            Assert.False(stops.Any(before.Contains), $"row {i}: \"{before}\" already held a stop string");
            if (hasStop) stoppedByString++;
            else Assert.True(row[^1] == Tok.EosId || length == c, $"row {i} \"{text}\" stopped without EOS, stop string or the length limit");
        }
        Assert.True(stoppedByString > 0, "no row hit a stop string");

        var (recomputed, _, _) = SequenceLogProbs.Compute(model, result.PromptTokens, result.PromptMask, result.Tokens, result.Mask, options.Temperature);
        var diff = (recomputed - result.LogProbs).abs().max().item<float>();
        Assert.True(diff < 1e-5, $"sampled and recomputed log-probs differ by {diff}");
    }

    [Fact]
    public void Stop_strings_need_the_tokenizer_and_truncate_cuts_before_the_first()
    {
        using var scope = torch.NewDisposeScope();
        var (prompt, mask) = PromptBatch.LeftPad([[1, 3]], Tok.PadId);
        var options = new SamplingOptions { StopStrings = ["ab"] };
        Assert.Contains("tokenizer", Assert.Throws<ArgumentException>(() => Sampler.Generate(Model(1), prompt, mask, Tok.EosId, Tok.PadId, options)).Message);
        Assert.Throws<ArgumentException>(() => new SamplingOptions { StopStrings = [""] }.Validate());
        Assert.Equal("x = 1", StopStringMatcher.Truncate("x = 1\n\nQuestion: y\n", ["Question:", "\n\n"]));
        Assert.Equal("no stop", StopStringMatcher.Truncate("no stop", ["###"]));
    }

    [Fact]
    public void Top_k_samples_only_the_k_most_likely_and_top_k_one_is_greedy()
    {
        using var scope = torch.NewDisposeScope();
        // Logits 0, 3, 1, 2 repeated over 2000 rows: top-2 keeps ids 1 and 3 with odds e³ : e² (≈ 0.731 : 0.269).
        var logits = torch.tensor(new float[] { 0, 3, 1, 2 }).unsqueeze(0).expand(2000, 4);
        var (next, logp) = Sampler.Pick(logits, new SamplingOptions { TopK = 2 }, new Generator(1));
        var ids = next.data<long>().ToArray();
        Assert.All(ids, id => Assert.True(id is 1 or 3, $"top-2 sampled id {id}"));
        double share = ids.Count(id => id == 1) / 2000.0;
        Assert.InRange(share, 0.731 - 0.04, 0.731 + 0.04);
        // The reported log-prob is under the full softmax (what the trainer recomputes), not the truncated one.
        double logZ = Math.Log(1 + Math.Exp(3) + Math.Exp(1) + Math.Exp(2));
        Assert.Equal(3 - logZ, logp[ids.ToList().IndexOf(1)].item<float>(), 5);
        var (greedy, _) = Sampler.Pick(logits, new SamplingOptions { TopK = 1 }, new Generator(2));
        Assert.True(greedy.eq(1).all().item<bool>());
    }

    [Fact]
    public void Top_p_samples_only_inside_the_nucleus()
    {
        using var scope = torch.NewDisposeScope();
        // probs 0.5, 0.3, 0.15, 0.05: p = 0.8 keeps ids 0 and 1, renormalized to 0.625 : 0.375.
        var logits = torch.tensor(new float[] { 0.5f, 0.3f, 0.15f, 0.05f }).log().unsqueeze(0).expand(2000, 4);
        var (next, _) = Sampler.Pick(logits, new SamplingOptions { TopP = 0.8 }, new Generator(3));
        var ids = next.data<long>().ToArray();
        Assert.All(ids, id => Assert.True(id is 0 or 1, $"top-p sampled id {id}"));
        Assert.InRange(ids.Count(id => id == 0) / 2000.0, 0.625 - 0.04, 0.625 + 0.04);
    }
}
