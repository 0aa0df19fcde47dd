using System.Text.Json.Nodes;
using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Serialization;
using PolicyGradient.Serialization;
using PolicyGradient.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Language.Serialization;

public sealed class HfCheckpointTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "pg-hf-" + Guid.NewGuid().ToString("N"));

    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, true); }

    static readonly TransformerConfig Gpt2 = new() { VocabularySize = 13, Layers = 2, Width = 16, Heads = 2, MaxPositions = 20 };
    static readonly TransformerConfig Llama = new()
    {
        VocabularySize = 13, Layers = 2, Width = 16, Heads = 2, MaxPositions = 20, Norm = NormKind.RmsNorm,
        Positions = PositionKind.Rotary, Mlp = MlpKind.SwiGlu, Bias = false, TieEmbeddings = false, MlpWidth = 40,
    };
    static readonly TransformerConfig Other = Gpt2 with { Positions = PositionKind.Rotary, ValueHead = true };

    public static TheoryData<string> Kinds => new() { "gpt2", "llama", "policygradient" };

    static TransformerConfig ConfigOf(string kind) => kind switch { "gpt2" => Gpt2, "llama" => Llama, _ => Other };

    [Theory, MemberData(nameof(Kinds))]
    public void Save_then_load_reproduces_the_logits(string kind)
    {
        using var scope = torch.NewDisposeScope();
        var model = new TransformerPolicy(ConfigOf(kind), seed: 4);
        HfCheckpoint.Save(model, _dir);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "config.json")))!;
        Assert.Equal(kind, config["model_type"]!.GetValue<string>());
        var loaded = HfCheckpoint.Load(_dir);
        Assert.Equal(model.Config with { MlpWidth = model.Config.ResolvedMlpWidth }, loaded.Config with { MlpWidth = loaded.Config.ResolvedMlpWidth });
        var (tokens, mask) = PromptBatch.LeftPad([[1, 4, 5, 6], [1, 7]], 0);
        using var _ = torch.no_grad();
        Assert.True(model.Forward(tokens, mask).Logits.allclose(loaded.Forward(tokens, mask).Logits, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Gpt2_files_use_gpt2_names_and_conv1d_orientation()
    {
        using var scope = torch.NewDisposeScope();
        var model = new TransformerPolicy(Gpt2, seed: 2);
        HfCheckpoint.Save(model, _dir);
        var (tensors, _) = SafeTensorsFile.Load(Path.Combine(_dir, "model.safetensors"));
        Assert.Equal(new long[] { 16, 48 }, tensors["transformer.h.0.attn.c_attn.weight"].shape);
        Assert.Equal(new long[] { 16, 64 }, tensors["transformer.h.1.mlp.c_fc.weight"].shape);
        Assert.Equal(new long[] { 20, 16 }, tensors["transformer.wpe.weight"].shape);
        Assert.Contains("transformer.ln_f.bias", tensors.Keys);
        Assert.DoesNotContain(tensors.Keys, k => k.Contains("q_proj"));
        var cfg = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "config.json")))!;
        Assert.Equal(16, cfg["n_embd"]!.GetValue<int>());
        Assert.Equal("gelu_new", cfg["activation_function"]!.GetValue<string>());
    }

    [Fact]
    public void Loads_a_transformers_style_gpt2_folder_without_prefix_and_with_mask_buffers()
    {
        using var scope = torch.NewDisposeScope();
        // A checkpoint written the way transformers' GPT2Model does: bare names, attn.bias causal-mask buffers.
        var g = new Generator(11);
        Tensor R(params long[] shape) => torch.randn(shape, generator: g);
        var t = new Dictionary<string, Tensor> { ["wte.weight"] = R(13, 16), ["wpe.weight"] = R(20, 16), ["ln_f.weight"] = R(16), ["ln_f.bias"] = R(16) };
        for (int i = 0; i < 2; i++)
        {
            string h = $"h.{i}.";
            t[h + "ln_1.weight"] = R(16); t[h + "ln_1.bias"] = R(16); t[h + "ln_2.weight"] = R(16); t[h + "ln_2.bias"] = R(16);
            t[h + "attn.c_attn.weight"] = R(16, 48); t[h + "attn.c_attn.bias"] = R(48);
            t[h + "attn.c_proj.weight"] = R(16, 16); t[h + "attn.c_proj.bias"] = R(16);
            t[h + "mlp.c_fc.weight"] = R(16, 64); t[h + "mlp.c_fc.bias"] = R(64);
            t[h + "mlp.c_proj.weight"] = R(64, 16); t[h + "mlp.c_proj.bias"] = R(16);
            t[h + "attn.bias"] = torch.ones(1, 1, 20, 20).tril();
        }
        Directory.CreateDirectory(_dir);
        SafeTensorsFile.Save(Path.Combine(_dir, "model.safetensors"), t);
        File.WriteAllText(Path.Combine(_dir, "config.json"),
            """{"model_type":"gpt2","vocab_size":13,"n_embd":16,"n_layer":2,"n_head":2,"n_positions":20,"n_inner":null,"layer_norm_epsilon":1e-5,"activation_function":"gelu_new"}""");
        var model = HfCheckpoint.Load(_dir);
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        Assert.True(p["layers.1.self_attn.k_proj.weight"].eq(t["h.1.attn.c_attn.weight"].narrow(1, 16, 16).t()).all().item<bool>());
        Assert.True(p["layers.1.self_attn.v_proj.bias"].eq(t["h.1.attn.c_attn.bias"].narrow(0, 32, 16)).all().item<bool>());
        Assert.True(p["layers.0.mlp.down_proj.weight"].eq(t["h.0.mlp.c_proj.weight"].t()).all().item<bool>());
        Assert.True(p["embed_tokens.weight"].eq(t["wte.weight"]).all().item<bool>());
    }

    [Fact]
    public void Unsupported_or_incomplete_checkpoints_are_rejected_with_reasons()
    {
        using var scope = torch.NewDisposeScope();
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "config.json"), """{"model_type":"bert"}""");
        Assert.Contains("bert", Assert.Throws<InvalidDataException>(() => HfCheckpoint.Load(_dir)).Message);
        HfCheckpoint.Save(new TransformerPolicy(Llama), _dir);
        var (tensors, _) = SafeTensorsFile.Load(Path.Combine(_dir, "model.safetensors"));
        tensors.Remove("model.norm.weight");
        SafeTensorsFile.Save(Path.Combine(_dir, "model.safetensors"), tensors);
        Assert.Contains("norm.weight", Assert.Throws<InvalidDataException>(() => HfCheckpoint.Load(_dir)).Message);
    }
}
