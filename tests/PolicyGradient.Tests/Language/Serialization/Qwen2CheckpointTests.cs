using System.Text.Json.Nodes;
using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Serialization;
using PolicyGradient.Serialization;
using PolicyGradient.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Language.Serialization;

/// <summary>A tiny checkpoint in Hugging Face's Qwen2 layout (GQA 2 of 4 heads, q/k/v biases, tied embeddings), written here.</summary>
public sealed class Qwen2CheckpointTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "pg-qwen2-" + Guid.NewGuid().ToString("N"));
    readonly string _copy = Path.Combine(Path.GetTempPath(), "pg-qwen2-copy-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        foreach (var d in new[] { _dir, _copy }) if (Directory.Exists(d)) Directory.Delete(d, true);
    }

    const int Vocab = 13, Hidden = 16, Heads = 4, KvHeads = 2, HeadDim = Hidden / Heads, Inter = 24, Layers = 2;

    /// <summary>The tensors transformers' Qwen2ForCausalLM would save (tied: no lm_head.weight).</summary>
    static Dictionary<string, Tensor> Qwen2Tensors(bool withLmHead)
    {
        var g = new Generator(21);
        Tensor R(params long[] shape) => 0.2 * torch.randn(shape, generator: g);
        var t = new Dictionary<string, Tensor> { ["model.embed_tokens.weight"] = R(Vocab, Hidden), ["model.norm.weight"] = 1 + R(Hidden) };
        for (int i = 0; i < Layers; i++)
        {
            string p = $"model.layers.{i}.";
            t[p + "input_layernorm.weight"] = 1 + R(Hidden);
            t[p + "post_attention_layernorm.weight"] = 1 + R(Hidden);
            t[p + "self_attn.q_proj.weight"] = R(Heads * HeadDim, Hidden);
            t[p + "self_attn.q_proj.bias"] = R(Heads * HeadDim);
            t[p + "self_attn.k_proj.weight"] = R(KvHeads * HeadDim, Hidden);
            t[p + "self_attn.k_proj.bias"] = R(KvHeads * HeadDim);
            t[p + "self_attn.v_proj.weight"] = R(KvHeads * HeadDim, Hidden);
            t[p + "self_attn.v_proj.bias"] = R(KvHeads * HeadDim);
            t[p + "self_attn.o_proj.weight"] = R(Hidden, Heads * HeadDim);
            t[p + "mlp.gate_proj.weight"] = R(Inter, Hidden);
            t[p + "mlp.up_proj.weight"] = R(Inter, Hidden);
            t[p + "mlp.down_proj.weight"] = R(Hidden, Inter);
        }
        if (withLmHead) t["lm_head.weight"] = t["model.embed_tokens.weight"].clone();
        return t;
    }

    void WriteQwen2(bool withLmHead)
    {
        Directory.CreateDirectory(_dir);
        SafeTensorsFile.Save(Path.Combine(_dir, "model.safetensors"), Qwen2Tensors(withLmHead), new Dictionary<string, string> { ["format"] = "pt" });
        File.WriteAllText(Path.Combine(_dir, "config.json"), $$"""
            {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "vocab_size": {{Vocab}}, "hidden_size": {{Hidden}},
             "intermediate_size": {{Inter}}, "num_hidden_layers": {{Layers}}, "num_attention_heads": {{Heads}},
             "num_key_value_heads": {{KvHeads}}, "max_position_embeddings": 32, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0,
             "tie_word_embeddings": true, "hidden_act": "silu", "use_sliding_window": false, "sliding_window": 32,
             "max_window_layers": 2, "attention_dropout": 0.0, "torch_dtype": "float32", "bos_token_id": 11, "eos_token_id": 12}
            """);
    }

    [Theory, InlineData(false), InlineData(true)]
    public void Loads_with_the_qwen2_shape_and_the_files_tensors(bool withLmHead)
    {
        using var scope = torch.NewDisposeScope();
        WriteQwen2(withLmHead);
        var model = HfCheckpoint.Load(_dir);
        var c = model.Config;
        Assert.Equal((Heads, 2, true, false, true), (c.Heads, c.ResolvedKeyValueHeads, c.ResolvedQkvBias, c.Bias, c.TieEmbeddings));
        Assert.Equal((1e6, 1e-6, Inter), (c.RopeTheta, c.NormEpsilon, c.ResolvedMlpWidth));
        var file = Qwen2Tensors(false);
        var p = model.named_parameters().ToDictionary(x => x.name, x => (Tensor)x.parameter);
        Assert.DoesNotContain("layers.0.self_attn.o_proj.bias", p.Keys);
        Assert.DoesNotContain("layers.0.mlp.up_proj.bias", p.Keys);
        foreach (var (name, tensor) in file)
            Assert.True(p[name["model.".Length..]].eq(tensor).all().item<bool>(), name);
        // Tied: the logits are the final hidden states times the embedding matrix.
        var (tokens, mask) = PromptBatch.LeftPad([[11, 3, 4, 5], [11, 6]], 0);
        using var _ = torch.no_grad();
        var logits = model.Forward(tokens, mask).Logits;
        Assert.Equal(new long[] { 2, 4, Vocab }, logits.shape);
        Assert.True(logits.isfinite().all().item<bool>());
    }

    /// <summary>
    /// Qwen2's forward pass for one unpadded sequence written out from the formulas, per head, in float64,
    /// straight from the file's tensors: RMSNorm x/√(mean x² + ε)·g; q/k/v with biases; rotary
    /// (rotate-half, θ_i = rope_theta^(−2i/D)); query head h reads key/value head h / (H / KV); causal
    /// softmax(q·kᵀ/√D)·v; o_proj without bias; SwiGLU MLP; final norm; logits = x·embed_tokensᵀ (tied).
    /// </summary>
    static Tensor ReferenceLogits(Dictionary<string, Tensor> w, long[] ids)
    {
        Tensor W(string name) => w[name].to(ScalarType.Float64);
        Tensor Rms(Tensor x, Tensor g) => x / (x.square().mean([-1L], keepdim: true) + 1e-6).sqrt() * g;
        int t = ids.Length;
        var x = W("model.embed_tokens.weight").index_select(0, torch.tensor(ids));
        var inv = torch.pow(1e6, -torch.arange(0, HeadDim, 2, ScalarType.Float64) / HeadDim);
        var angles = torch.arange(t, ScalarType.Float64).unsqueeze(1) * inv;
        var (cos, sin) = (torch.cat([angles, angles], 1).cos(), torch.cat([angles, angles], 1).sin());   // [T, D]
        Tensor Rope(Tensor v) => v * cos + torch.cat([-v.narrow(1, HeadDim / 2, HeadDim / 2), v.narrow(1, 0, HeadDim / 2)], 1) * sin;
        var causal = torch.ones(t, t).tril().eq(0);
        for (int i = 0; i < Layers; i++)
        {
            string p = $"model.layers.{i}.";
            var h = Rms(x, W(p + "input_layernorm.weight"));
            var q = torch.matmul(h, W(p + "self_attn.q_proj.weight").t()) + W(p + "self_attn.q_proj.bias");
            var k = torch.matmul(h, W(p + "self_attn.k_proj.weight").t()) + W(p + "self_attn.k_proj.bias");
            var v = torch.matmul(h, W(p + "self_attn.v_proj.weight").t()) + W(p + "self_attn.v_proj.bias");
            var heads = new List<Tensor>();
            for (int head = 0; head < Heads; head++)
            {
                int kvHead = head / (Heads / KvHeads);
                var qh = Rope(q.narrow(1, head * HeadDim, HeadDim));
                var kh = Rope(k.narrow(1, kvHead * HeadDim, HeadDim));
                var scores = (torch.matmul(qh, kh.t()) / Math.Sqrt(HeadDim)).masked_fill(causal, double.NegativeInfinity);
                heads.Add(torch.matmul(scores.softmax(1), v.narrow(1, kvHead * HeadDim, HeadDim)));
            }
            x = x + torch.matmul(torch.cat(heads, 1), W(p + "self_attn.o_proj.weight").t());
            var m = Rms(x, W(p + "post_attention_layernorm.weight"));
            var gate = torch.matmul(m, W(p + "mlp.gate_proj.weight").t());
            var up = torch.matmul(m, W(p + "mlp.up_proj.weight").t());
            x = x + torch.matmul(gate * gate.sigmoid() * up, W(p + "mlp.down_proj.weight").t());
        }
        return torch.matmul(Rms(x, W("model.norm.weight")), W("model.embed_tokens.weight").t());
    }

    [Fact]
    public void Loaded_logits_equal_the_qwen2_formulas_computed_from_the_file()
    {
        using var scope = torch.NewDisposeScope();
        WriteQwen2(withLmHead: false);
        var model = HfCheckpoint.Load(_dir);
        long[] ids = [11, 3, 4, 5, 9, 1, 7];
        var expected = ReferenceLogits(Qwen2Tensors(false), ids);
        // Left-padded in a batch with a longer row, as the sampler would run it.
        var (tokens, mask) = PromptBatch.LeftPad([ids.Select(i => (int)i).ToArray(), [11, 3, 4, 5, 9, 1, 7, 8, 2]], 0);
        using var _ = torch.no_grad();
        var logits = model.Forward(tokens, mask).Logits[0].narrow(0, 2, ids.Length).to(ScalarType.Float64);
        var diff = (logits - expected).abs().max().item<double>();
        Assert.True(diff < 1e-4, $"loaded model and reference Qwen2 logits differ by {diff}");
    }

    [Fact]
    public void Save_then_load_reproduces_the_logits_exactly_and_keeps_the_qwen2_layout()
    {
        using var scope = torch.NewDisposeScope();
        WriteQwen2(withLmHead: false);
        var model = HfCheckpoint.Load(_dir);
        HfCheckpoint.Save(model, _copy);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_copy, "config.json")))!;
        Assert.Equal("qwen2", config["model_type"]!.GetValue<string>());
        Assert.Equal(KvHeads, config["num_key_value_heads"]!.GetValue<int>());
        Assert.Equal(1e6, config["rope_theta"]!.GetValue<double>());
        Assert.True(config["tie_word_embeddings"]!.GetValue<bool>());
        var (saved, _) = SafeTensorsFile.Load(Path.Combine(_copy, "model.safetensors"));
        Assert.Equal(Qwen2Tensors(false).Keys.Order(), saved.Keys.Order());
        var again = HfCheckpoint.Load(_copy);
        var (tokens, mask) = PromptBatch.LeftPad([[11, 3, 4, 5], [11, 6]], 0);
        using var __ = torch.no_grad();
        Assert.True(model.Forward(tokens, mask).Logits.eq(again.Forward(tokens, mask).Logits).all().item<bool>());
    }

    [Fact]
    public void Sliding_window_and_rope_scaling_are_refused()
    {
        WriteQwen2(withLmHead: false);
        var path = Path.Combine(_dir, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json["use_sliding_window"] = true;
        File.WriteAllText(path, json.ToJsonString());
        Assert.Contains("sliding", Assert.Throws<InvalidDataException>(() => HfCheckpoint.Load(_dir)).Message);
        json["use_sliding_window"] = false;
        json["rope_scaling"] = new JsonObject { ["type"] = "yarn", ["factor"] = 4.0 };
        File.WriteAllText(path, json.ToJsonString());
        Assert.Contains("rope_scaling", Assert.Throws<InvalidDataException>(() => HfCheckpoint.Load(_dir)).Message);
    }
}
