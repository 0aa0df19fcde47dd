using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Language.Model;

/// <summary>Grouped-query attention against plain multi-head attention with explicitly repeated key/value weights.</summary>
public class GroupedQueryAttentionTests
{
    public GroupedQueryAttentionTests() => torch.set_num_threads(1);

    static readonly TransformerConfig Rotary = new()
    {
        VocabularySize = 11, Layers = 2, Width = 32, Heads = 4, MaxPositions = 32, Norm = NormKind.RmsNorm,
        Positions = PositionKind.Rotary, Mlp = MlpKind.SwiGlu, Bias = false, QkvBias = true, TieEmbeddings = false,
    };
    static readonly TransformerConfig Learned = new() { VocabularySize = 11, Layers = 2, Width = 32, Heads = 4, MaxPositions = 32 };

    public static TheoryData<string> Shapes => new() { "rotary", "learned" };

    static TransformerConfig ShapeOf(string name) => name == "rotary" ? Rotary : Learned;

    static (Tensor, Tensor) Batch() => PromptBatch.LeftPad([[1, 5, 6, 7, 3], [1, 8], [1, 3, 4, 9]], 0);

    [Theory, MemberData(nameof(Shapes))]
    public void Key_value_heads_equal_to_heads_is_the_plain_model_bit_for_bit(string shape)
    {
        using var scope = torch.NewDisposeScope();
        var config = ShapeOf(shape);
        var plain = new TransformerPolicy(config, seed: 3);
        var explicitMha = new TransformerPolicy(config with { KeyValueHeads = config.Heads, QkvBias = config.ResolvedQkvBias }, seed: 3);
        var (tokens, mask) = Batch();
        using var _ = torch.no_grad();
        Assert.True(plain.Forward(tokens, mask).Logits.eq(explicitMha.Forward(tokens, mask).Logits).all().item<bool>());
    }

    [Theory, MemberData(nameof(Shapes))]
    public void Grouped_query_attention_equals_multi_head_attention_with_repeated_kv_weights(string shape)
    {
        using var scope = torch.NewDisposeScope();
        var config = ShapeOf(shape);
        var gqa = new TransformerPolicy(config with { KeyValueHeads = 2 }, seed: 5);
        var mha = new TransformerPolicy(config, seed: 6);
        int group = 2, headSize = config.HeadSize;
        using (torch.no_grad())
        {
            var source = gqa.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
            Assert.Equal(new long[] { 2 * headSize, 32 }, source["layers.0.self_attn.k_proj.weight"].shape);
            foreach (var (name, p) in mha.named_parameters())
            {
                var s = source[name];
                // k/v head j serves query heads 2j and 2j + 1: repeat each head's rows block-wise.
                if (name.Contains("k_proj", StringComparison.Ordinal) || name.Contains("v_proj", StringComparison.Ordinal))
                    s = s.view([2, headSize, .. s.shape[1..]]).repeat_interleave(group, 0).reshape(p.shape);
                p.copy_(s);
            }
        }
        var (tokens, mask) = Batch();
        using var _ = torch.no_grad();
        var a = gqa.Forward(tokens, mask).Logits;
        var b = mha.Forward(tokens, mask).Logits;
        var diff = (a - b).abs().max().item<float>();
        Assert.True(diff < 1e-5, $"GQA and repeated-weight MHA logits differ by {diff}");
    }

    [Fact]
    public void The_cache_stores_key_value_heads_and_matches_the_full_recompute()
    {
        using var scope = torch.NewDisposeScope();
        var model = new TransformerPolicy(Rotary with { KeyValueHeads = 1 }, seed: 2);
        var (prompt, promptMask) = Batch();
        var next = torch.tensor(new long[,] { { 4 }, { 5 }, { 6 } });
        using var _ = torch.no_grad();
        var full = model.Forward(torch.cat([prompt, next], 1), torch.cat([promptMask, torch.ones_like(next)], 1)).Logits;
        using var cache = model.NewCache(3, 6);
        model.Forward(prompt, promptMask, cache);
        var step = model.Forward(next, torch.cat([promptMask, torch.ones_like(next)], 1), cache).Logits;
        var diff = (step.select(1, 0) - full.select(1, 5)).abs().max().item<float>();
        Assert.True(diff < 1e-5, $"cached step differs by {diff}");
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
    }

    [Fact]
    public void Key_value_heads_must_divide_heads()
    {
        var e = Assert.Throws<ArgumentException>(() => new TransformerPolicy(Rotary with { KeyValueHeads = 3 }));
        Assert.Contains("KeyValueHeads", e.Message);
    }
}
