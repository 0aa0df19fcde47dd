using System.Text.Json;
using System.Text.Json.Nodes;
using PolicyGradient.Language.Model;
using PolicyGradient.Serialization;
using PolicyGradient.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Serialization;

/// <summary>
/// Hugging Face checkpoint folders: <c>config.json</c> + <c>model.safetensors</c> (no pickle, nothing
/// executed on load). Two layouts:
/// <list type="bullet">
/// <item>GPT-2 (<c>model_type: gpt2</c>): transformer.wte/wpe, h.i.ln_1, h.i.attn.c_attn (fused q|k|v,
/// Conv1D weights stored [in, out]), h.i.attn.c_proj, h.i.ln_2, h.i.mlp.c_fc / c_proj, ln_f; the
/// "transformer." prefix is optional on load. Needs LayerNorm, learned positions, GELU, biases, tied embeddings.</item>
/// <item>Llama (<c>model_type: llama</c>): model.embed_tokens, model.layers.i.{input_layernorm,
/// self_attn.{q,k,v,o}_proj, post_attention_layernorm, mlp.{gate,up,down}_proj}, model.norm, lm_head.
/// Needs RMSNorm, rotary positions (rotate-half), SwiGLU; grouped-query attention through
/// num_key_value_heads (k_proj/v_proj are [kv_heads·head_dim, hidden]); attention_bias and mlp_bias must agree.</item>
/// <item>Qwen2 (<c>model_type: qwen2</c>): the Llama names and shapes, with biases on q_proj, k_proj and
/// v_proj only (<see cref="TransformerConfig.QkvBias"/> true, <see cref="TransformerConfig.Bias"/> false);
/// rope_theta, rms_norm_eps, tie_word_embeddings from config.json. Sliding-window attention is refused.</item>
/// </list>
/// With tied embeddings a stored lm_head.weight (some exporters write the shared matrix twice) is ignored;
/// rotary_emb.inv_freq buffers of older Llama exports are ignored too. rope_scaling is refused.
/// Other shapes save in the Llama naming with <c>model_type: policygradient</c> and the full
/// <see cref="TransformerConfig"/>. A value head is stored as value_head.weight / value_head.bias.
/// </summary>
public static class HfCheckpoint
{
    /// <summary>Writes <paramref name="policy"/> to <paramref name="directory"/> (created if needed), atomically per file.</summary>
    public static void Save(TransformerPolicy policy, string directory)
    {
        Directory.CreateDirectory(directory);
        var c = policy.Config;
        string type = IsGpt2(c) ? "gpt2" : IsLlama(c) ? "llama" : IsQwen2(c) ? "qwen2" : "policygradient";
        var state = policy.state_dict();
        var tensors = type == "gpt2" ? ToGpt2(state, c) : state.ToDictionary(kv => ToLlamaName(kv.Key), kv => kv.Value);
        SafeTensorsFile.Save(Path.Combine(directory, "model.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        AtomicFile.WriteAllText(Path.Combine(directory, "config.json"), ConfigJson(c, type).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Reads a checkpoint folder written by this library or by Hugging Face transformers (GPT-2, Llama or Qwen2 layout).</summary>
    /// <exception cref="InvalidDataException">Unsupported model type, or tensors missing, extra or misshapen; the message says which.</exception>
    public static TransformerPolicy Load(string directory)
    {
        var configPath = Path.Combine(directory, "config.json");
        if (!File.Exists(configPath)) throw new FileNotFoundException($"no config.json in '{directory}': not a Hugging Face checkpoint folder", configPath);
        var json = JsonNode.Parse(File.ReadAllText(configPath)) as JsonObject ?? throw new InvalidDataException("config.json is not a JSON object");
        string type = json["model_type"]?.GetValue<string>() ?? "";
        var config = type switch
        {
            "gpt2" => Gpt2Config(json),
            "llama" => LlamaConfig(json, qwen2: false),
            "qwen2" => LlamaConfig(json, qwen2: true),
            "policygradient" => json["policygradient"].Deserialize<TransformerConfig>() ?? throw new InvalidDataException("config.json lacks the policygradient section"),
            _ => throw new InvalidDataException($"model_type '{type}' is not supported; supported: gpt2, llama, qwen2, policygradient"),
        };
        var (file, _) = SafeTensorsFile.Load(Path.Combine(directory, "model.safetensors"));
        var mapped = type == "gpt2" ? FromGpt2(file, config) : file
            .Where(kv => !kv.Key.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal))
            .Where(kv => !(config.TieEmbeddings && kv.Key == "lm_head.weight"))
            .ToDictionary(kv => FromLlamaName(kv.Key), kv => kv.Value);
        var policy = new TransformerPolicy(config);
        using var _ = torch.no_grad();
        var missing = new List<string>();
        foreach (var (name, p) in policy.named_parameters())
        {
            if (!mapped.TryGetValue(name, out var t)) { missing.Add(name); continue; }
            if (!t.shape.SequenceEqual(p.shape))
                throw new InvalidDataException($"tensor for '{name}' has shape [{string.Join(", ", t.shape)}], the model expects [{string.Join(", ", p.shape)}]");
            p.copy_(t);
        }
        if (missing.Count > 0) throw new InvalidDataException($"checkpoint lacks {missing.Count} tensors, e.g. {string.Join(", ", missing.Take(5))}");
        var extra = mapped.Keys.Except(policy.named_parameters().Select(p => p.name)).ToList();
        if (extra.Count > 0) throw new InvalidDataException($"checkpoint has {extra.Count} tensors the model does not, e.g. {string.Join(", ", extra.Take(5))}");
        foreach (var t in file.Values) t.Dispose();
        return policy;
    }

    static bool IsGpt2(TransformerConfig c) =>
        c.Norm == NormKind.LayerNorm && c.Positions == PositionKind.Learned && c.Mlp == MlpKind.Gelu && c.Bias && c.TieEmbeddings
        && c.ResolvedQkvBias && c.ResolvedKeyValueHeads == c.Heads;

    static bool IsLlamaFamily(TransformerConfig c) => c.Norm == NormKind.RmsNorm && c.Positions == PositionKind.Rotary && c.Mlp == MlpKind.SwiGlu;

    static bool IsLlama(TransformerConfig c) => IsLlamaFamily(c) && c.ResolvedQkvBias == c.Bias;

    static bool IsQwen2(TransformerConfig c) => IsLlamaFamily(c) && c.ResolvedQkvBias && !c.Bias;

    static string ToLlamaName(string name) => name.StartsWith("lm_head", StringComparison.Ordinal) || name.StartsWith("value_head", StringComparison.Ordinal)
        ? name : "model." + name;

    static string FromLlamaName(string name) => name.StartsWith("model.", StringComparison.Ordinal) ? name["model.".Length..] : name;

    static JsonObject ConfigJson(TransformerConfig c, string type)
    {
        var o = new JsonObject { ["model_type"] = type, ["vocab_size"] = c.VocabularySize, ["tie_word_embeddings"] = c.TieEmbeddings };
        if (type == "gpt2")
        {
            o["architectures"] = new JsonArray("GPT2LMHeadModel");
            o["n_embd"] = c.Width; o["n_layer"] = c.Layers; o["n_head"] = c.Heads; o["n_positions"] = c.MaxPositions;
            o["n_ctx"] = c.MaxPositions; o["n_inner"] = c.ResolvedMlpWidth; o["layer_norm_epsilon"] = c.NormEpsilon;
            o["activation_function"] = "gelu_new";
        }
        else if (type is "llama" or "qwen2")
        {
            o["architectures"] = new JsonArray(type == "llama" ? "LlamaForCausalLM" : "Qwen2ForCausalLM");
            o["hidden_size"] = c.Width; o["num_hidden_layers"] = c.Layers; o["num_attention_heads"] = c.Heads;
            o["num_key_value_heads"] = c.ResolvedKeyValueHeads; o["intermediate_size"] = c.ResolvedMlpWidth;
            o["max_position_embeddings"] = c.MaxPositions; o["rms_norm_eps"] = c.NormEpsilon; o["rope_theta"] = c.RopeTheta;
            o["hidden_act"] = "silu";
            if (type == "llama") { o["attention_bias"] = c.Bias; o["mlp_bias"] = c.Bias; }
            else { o["use_sliding_window"] = false; o["sliding_window"] = c.MaxPositions; o["max_window_layers"] = c.Layers; }
        }
        o["policygradient"] = JsonSerializer.SerializeToNode(c);
        return o;
    }

    static int Int(JsonObject o, params string[] keys)
    {
        foreach (var k in keys) if (o[k] is JsonValue v && v.TryGetValue<int>(out int x)) return x;
        throw new InvalidDataException($"config.json lacks {string.Join(" / ", keys)}");
    }

    static double Real(JsonObject o, string key, double fallback) => o[key] is JsonValue v && v.TryGetValue<double>(out double x) ? x : fallback;

    static bool Flag(JsonObject o, string key, bool fallback) => o[key] is JsonValue v && v.TryGetValue<bool>(out bool x) ? x : fallback;

    static TransformerConfig Gpt2Config(JsonObject o)
    {
        int width = Int(o, "n_embd");
        var act = o["activation_function"]?.GetValue<string>() ?? "gelu_new";
        if (act is not ("gelu_new" or "gelu_pytorch_tanh" or "gelu"))
            throw new InvalidDataException($"GPT-2 activation '{act}' is not supported (gelu_new, gelu_pytorch_tanh)");
        return new TransformerConfig
        {
            VocabularySize = Int(o, "vocab_size"), Width = width, Layers = Int(o, "n_layer"), Heads = Int(o, "n_head"),
            MaxPositions = Int(o, "n_positions", "n_ctx"), MlpWidth = o["n_inner"] is JsonValue ni && ni.TryGetValue<int>(out int inner) ? inner : 4 * width,
            NormEpsilon = Real(o, "layer_norm_epsilon", 1e-5), Norm = NormKind.LayerNorm, Positions = PositionKind.Learned,
            Mlp = MlpKind.Gelu, Bias = true, TieEmbeddings = true,
            ValueHead = o["policygradient"]?["ValueHead"]?.GetValue<bool>() ?? false,
        };
    }

    /// <summary>Llama and Qwen2 share names and shapes; they differ in biases (Qwen2: q/k/v only) and defaults.</summary>
    static TransformerConfig LlamaConfig(JsonObject o, bool qwen2)
    {
        int heads = Int(o, "num_attention_heads"), width = Int(o, "hidden_size");
        int kvHeads = o["num_key_value_heads"] is JsonValue kv && kv.TryGetValue<int>(out int k) ? k : heads;
        if (o["head_dim"] is JsonValue hd && hd.TryGetValue<int>(out int headDim) && headDim != width / heads)
            throw new InvalidDataException($"head_dim {headDim} ≠ hidden_size / num_attention_heads = {width / heads} is not supported");
        if (o["rope_scaling"] is JsonObject scaling)
            throw new InvalidDataException($"rope_scaling ({scaling.ToJsonString()}) is not supported; only plain rotary positions with rope_theta");
        if (qwen2 && Flag(o, "use_sliding_window", false))
            throw new InvalidDataException("Qwen2 sliding-window attention (use_sliding_window = true) is not supported");
        bool qkvBias, bias;
        if (qwen2) (qkvBias, bias) = (true, false);
        else
        {
            bool attentionBias = Flag(o, "attention_bias", false), mlpBias = Flag(o, "mlp_bias", false);
            if (attentionBias != mlpBias) throw new InvalidDataException("attention_bias and mlp_bias must agree (one Bias switch here)");
            (qkvBias, bias) = (attentionBias, attentionBias);
        }
        return new TransformerConfig
        {
            VocabularySize = Int(o, "vocab_size"), Width = width, Layers = Int(o, "num_hidden_layers"), Heads = heads,
            KeyValueHeads = kvHeads == heads ? null : kvHeads,
            MlpWidth = Int(o, "intermediate_size"), MaxPositions = Int(o, "max_position_embeddings"),
            NormEpsilon = Real(o, "rms_norm_eps", 1e-6), RopeTheta = Real(o, "rope_theta", 10000),
            Norm = NormKind.RmsNorm, Positions = PositionKind.Rotary, Mlp = MlpKind.SwiGlu,
            Bias = bias, QkvBias = qkvBias == bias ? null : qkvBias, TieEmbeddings = Flag(o, "tie_word_embeddings", false),
            ValueHead = o["policygradient"]?["ValueHead"]?.GetValue<bool>() ?? false,
        };
    }

    static Dictionary<string, Tensor> ToGpt2(Dictionary<string, Tensor> s, TransformerConfig c)
    {
        var t = new Dictionary<string, Tensor>
        {
            ["transformer.wte.weight"] = s["embed_tokens.weight"],
            ["transformer.wpe.weight"] = s["embed_positions.weight"],
            ["transformer.ln_f.weight"] = s["norm.weight"],
            ["transformer.ln_f.bias"] = s["norm.bias"],
        };
        for (int i = 0; i < c.Layers; i++)
        {
            string p = $"layers.{i}.", h = $"transformer.h.{i}.";
            t[h + "ln_1.weight"] = s[p + "input_layernorm.weight"];
            t[h + "ln_1.bias"] = s[p + "input_layernorm.bias"];
            // Conv1D stores [in, out]: the transpose of Linear's [out, in]; c_attn fuses q | k | v along out.
            t[h + "attn.c_attn.weight"] = torch.cat([s[p + "self_attn.q_proj.weight"].t(), s[p + "self_attn.k_proj.weight"].t(), s[p + "self_attn.v_proj.weight"].t()], 1);
            t[h + "attn.c_attn.bias"] = torch.cat([s[p + "self_attn.q_proj.bias"], s[p + "self_attn.k_proj.bias"], s[p + "self_attn.v_proj.bias"]], 0);
            t[h + "attn.c_proj.weight"] = s[p + "self_attn.o_proj.weight"].t();
            t[h + "attn.c_proj.bias"] = s[p + "self_attn.o_proj.bias"];
            t[h + "ln_2.weight"] = s[p + "post_attention_layernorm.weight"];
            t[h + "ln_2.bias"] = s[p + "post_attention_layernorm.bias"];
            t[h + "mlp.c_fc.weight"] = s[p + "mlp.up_proj.weight"].t();
            t[h + "mlp.c_fc.bias"] = s[p + "mlp.up_proj.bias"];
            t[h + "mlp.c_proj.weight"] = s[p + "mlp.down_proj.weight"].t();
            t[h + "mlp.c_proj.bias"] = s[p + "mlp.down_proj.bias"];
        }
        foreach (var (k, v) in s) if (k.StartsWith("value_head", StringComparison.Ordinal)) t[k] = v;
        return t;
    }

    static Dictionary<string, Tensor> FromGpt2(Dictionary<string, Tensor> file, TransformerConfig c)
    {
        var f = file.Where(kv => !kv.Key.EndsWith("attn.bias", StringComparison.Ordinal) || kv.Key.Contains("c_attn", StringComparison.Ordinal))
            .Where(kv => !kv.Key.EndsWith("attn.masked_bias", StringComparison.Ordinal) && kv.Key != "lm_head.weight")
            .ToDictionary(kv => kv.Key.StartsWith("transformer.", StringComparison.Ordinal) ? kv.Key["transformer.".Length..] : kv.Key, kv => kv.Value);
        Tensor Take(string key) => f.TryGetValue(key, out var v) ? v : throw new InvalidDataException($"GPT-2 checkpoint lacks '{key}'");
        var s = new Dictionary<string, Tensor>
        {
            ["embed_tokens.weight"] = Take("wte.weight"),
            ["embed_positions.weight"] = Take("wpe.weight"),
            ["norm.weight"] = Take("ln_f.weight"),
            ["norm.bias"] = Take("ln_f.bias"),
        };
        long w = c.Width;
        for (int i = 0; i < c.Layers; i++)
        {
            string p = $"layers.{i}.", h = $"h.{i}.";
            s[p + "input_layernorm.weight"] = Take(h + "ln_1.weight");
            s[p + "input_layernorm.bias"] = Take(h + "ln_1.bias");
            var qkv = Take(h + "attn.c_attn.weight");
            var qkvBias = Take(h + "attn.c_attn.bias");
            string[] parts = ["q_proj", "k_proj", "v_proj"];
            for (int j = 0; j < 3; j++)
            {
                s[p + $"self_attn.{parts[j]}.weight"] = qkv.narrow(1, j * w, w).t().contiguous();
                s[p + $"self_attn.{parts[j]}.bias"] = qkvBias.narrow(0, j * w, w).contiguous();
            }
            s[p + "self_attn.o_proj.weight"] = Take(h + "attn.c_proj.weight").t().contiguous();
            s[p + "self_attn.o_proj.bias"] = Take(h + "attn.c_proj.bias");
            s[p + "post_attention_layernorm.weight"] = Take(h + "ln_2.weight");
            s[p + "post_attention_layernorm.bias"] = Take(h + "ln_2.bias");
            s[p + "mlp.up_proj.weight"] = Take(h + "mlp.c_fc.weight").t().contiguous();
            s[p + "mlp.up_proj.bias"] = Take(h + "mlp.c_fc.bias");
            s[p + "mlp.down_proj.weight"] = Take(h + "mlp.c_proj.weight").t().contiguous();
            s[p + "mlp.down_proj.bias"] = Take(h + "mlp.c_proj.bias");
        }
        foreach (var (k, v) in f) if (k.StartsWith("value_head", StringComparison.Ordinal)) s[k] = v;
        var used = new HashSet<string>(["wte.weight", "wpe.weight", "ln_f.weight", "ln_f.bias"]);
        foreach (var k in f.Keys.Where(k => k.StartsWith("h.", StringComparison.Ordinal) || k.StartsWith("value_head", StringComparison.Ordinal))) used.Add(k);
        var unknown = f.Keys.Except(used).ToList();
        if (unknown.Count > 0) throw new InvalidDataException($"GPT-2 checkpoint has unexpected tensors, e.g. {string.Join(", ", unknown.Take(5))}");
        return s;
    }
}
