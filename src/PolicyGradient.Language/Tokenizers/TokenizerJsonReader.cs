using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;

namespace PolicyGradient.Language.Tokenizers;

/// <summary>
/// Converts a Hugging Face tokenizer.json (the "tokenizers" library's format) into a Microsoft.ML.Tokenizers
/// byte-level BPE: the model section's vocab and merges (merge rank = list order), the pre-tokenizer's
/// split regex, the added tokens as special tokens. Only what GPT-2 / Qwen2 / Llama 3 use is accepted;
/// anything else is refused by name rather than silently tokenized differently.
/// </summary>
internal static class TokenizerJsonReader
{
    public static PretrainedTokenizer Load(string path)
    {
        string file = Directory.Exists(path) ? Path.Combine(path, "tokenizer.json") : path;
        if (!File.Exists(file)) throw new FileNotFoundException($"no tokenizer.json at '{path}'", file);
        string folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        var root = JsonNode.Parse(File.ReadAllText(file)) as JsonObject ?? throw new InvalidDataException($"{file} is not a JSON object");

        var model = root["model"] as JsonObject ?? throw new InvalidDataException($"{file} has no model section");
        string type = model["type"]?.GetValue<string>() ?? "BPE";
        if (type != "BPE") throw new InvalidDataException($"tokenizer model '{type}' is not supported; only byte-level BPE (GPT-2, Qwen2, Llama 3)");
        if (model["byte_fallback"] is JsonValue bf && bf.GetValue<bool>())
            throw new InvalidDataException("byte_fallback BPE (SentencePiece-style, e.g. Llama 2) is not supported; only byte-level BPE");
        foreach (var key in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
            if (model[key] is JsonValue v && v.GetValue<string>() is { Length: > 0 } s)
                throw new InvalidDataException($"BPE {key} '{s}' is not supported (byte-level BPE has none)");

        var vocab = (model["vocab"] as JsonObject ?? throw new InvalidDataException("tokenizer.json model has no vocab"))
            .Select(kv => new KeyValuePair<string, int>(kv.Key, kv.Value!.GetValue<int>())).ToList();
        var merges = (model["merges"] as JsonArray ?? throw new InvalidDataException("tokenizer.json model has no merges"))
            .Select(m => m switch
            {
                JsonValue v => v.GetValue<string>(),                                        // "a b" (older files)
                JsonArray pair when pair.Count == 2 => $"{pair[0]!.GetValue<string>()} {pair[1]!.GetValue<string>()}", // ["a", "b"]
                _ => throw new InvalidDataException($"merge entry {m?.ToJsonString()} is neither \"a b\" nor [\"a\", \"b\"]"),
            }).ToList();

        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        var special = new List<int>();
        if (root["added_tokens"] is JsonArray tokens)
            foreach (var t in tokens.OfType<JsonObject>())
            {
                string content = t["content"]!.GetValue<string>();
                int id = t["id"]!.GetValue<int>();
                added[content] = id;
                if (t["special"] is JsonValue sp && sp.GetValue<bool>()) special.Add(id);
            }

        string pattern = SplitPattern(root["pre_tokenizer"]);
        bool nfc = Normalizer(root["normalizer"]);
        var inner = BpeTokenizer.Create(new BpeOptions(vocab)
        {
            Merges = merges,
            ByteLevel = true,
            SpecialTokens = added,
            PreTokenizer = PreTokenizerFor(pattern, added),
        });

        int vocabularySize = Math.Max(vocab.Max(kv => kv.Value), added.Count == 0 ? -1 : added.Values.Max()) + 1;
        var lookup = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (k, v) in vocab) lookup[k] = v;
        foreach (var (k, v) in added) lookup[k] = v;
        var tokenizerConfig = ReadObject(Path.Combine(folder, "tokenizer_config.json"));
        var modelConfig = ReadObject(Path.Combine(folder, "config.json"));
        int? Special(string name) => TokenId(tokenizerConfig?[name + "_token"], lookup) ?? IdValue(modelConfig?[name + "_token_id"]);

        int eos = Special("eos") ?? (added.TryGetValue("<|endoftext|>", out int e) ? e
            : throw new InvalidDataException($"no EOS token: set eos_token in tokenizer_config.json or eos_token_id in config.json next to {file}"));
        return new PretrainedTokenizer(inner, vocabularySize, Special("pad") ?? eos, Special("bos") ?? eos, eos, special, nfc);
    }

    /// <summary>The regex that splits text into words: GPT-2's for a lone ByteLevel(use_regex), or the Split step's of a Sequence.</summary>
    static string SplitPattern(JsonNode? node)
    {
        if (node is not JsonObject o) throw new InvalidDataException("tokenizer.json has no pre_tokenizer; only byte-level BPE is supported");
        string type = o["type"]?.GetValue<string>() ?? "";
        if (type == "ByteLevel")
        {
            CheckByteLevel(o);
            if (o["use_regex"] is JsonValue r && !r.GetValue<bool>())
                throw new InvalidDataException("ByteLevel pre-tokenizer with use_regex = false and no Split step is not supported");
            return ByteLevelPatterns.Gpt2;
        }
        if (type == "Sequence" && o["pretokenizers"] is JsonArray steps)
        {
            var split = steps.OfType<JsonObject>().Where(s => s["type"]?.GetValue<string>() == "Split").ToList();
            var byteLevel = steps.OfType<JsonObject>().Where(s => s["type"]?.GetValue<string>() == "ByteLevel").ToList();
            if (split.Count + byteLevel.Count != steps.Count || byteLevel.Count != 1 || split.Count > 1)
                throw new InvalidDataException($"pre-tokenizer sequence [{string.Join(", ", steps.Select(s => s?["type"]?.GetValue<string>()))}] is not supported; expected [Split, ByteLevel] or [ByteLevel]");
            CheckByteLevel(byteLevel[0]);
            bool byteLevelRegex = byteLevel[0]["use_regex"] is not JsonValue u || u.GetValue<bool>();
            if (split.Count == 0) return byteLevelRegex ? ByteLevelPatterns.Gpt2
                : throw new InvalidDataException("ByteLevel pre-tokenizer with use_regex = false and no Split step is not supported");
            var s = split[0];
            if (byteLevelRegex) throw new InvalidDataException("a Split step followed by ByteLevel(use_regex = true) is not supported");
            string behavior = s["behavior"]?.GetValue<string>() ?? "Isolated";
            if (behavior != "Isolated" || (s["invert"] is JsonValue inv && inv.GetValue<bool>()))
                throw new InvalidDataException($"Split pre-tokenizer with behavior '{behavior}' / invert is not supported (only Isolated)");
            return s["pattern"]?["Regex"]?.GetValue<string>()
                ?? throw new InvalidDataException("Split pre-tokenizer without a Regex pattern is not supported");
        }
        throw new InvalidDataException($"pre-tokenizer '{type}' is not supported; only byte-level BPE (ByteLevel, or Split + ByteLevel)");
    }

    /// <summary>The scalar-value pre-tokenizer for a split regex; a pattern .NET's regex engine cannot read is refused by name.</summary>
    static ScalarValueRegexPreTokenizer PreTokenizerFor(string pattern, IReadOnlyDictionary<string, int> added)
    {
        try { return new ScalarValueRegexPreTokenizer(pattern, added); }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"the Split pre-tokenizer's regex /{pattern}/ is not supported by .NET's regex engine ({e.Message}); " +
                "rewrite it without possessive quantifiers or other syntax .NET lacks");
        }
    }

    static void CheckByteLevel(JsonObject o)
    {
        if (o["add_prefix_space"] is JsonValue p && p.GetValue<bool>())
            throw new InvalidDataException("ByteLevel add_prefix_space = true is not supported");
    }

    /// <summary>True for NFC (Qwen2), false for none; anything else is refused.</summary>
    static bool Normalizer(JsonNode? node)
    {
        if (node is null) return false;
        string type = node["type"]?.GetValue<string>() ?? "";
        return type == "NFC" ? true : throw new InvalidDataException($"normalizer '{type}' is not supported (none or NFC)");
    }

    static JsonObject? ReadObject(string path) => File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject : null;

    /// <summary>A tokenizer_config entry: "text", {"content": "text"} or null.</summary>
    static int? TokenId(JsonNode? node, Dictionary<string, int> lookup)
    {
        string? text = node switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonObject o => o["content"]?.GetValue<string>(),
            _ => null,
        };
        if (text is null) return null;
        return lookup.TryGetValue(text, out int id) ? id : throw new InvalidDataException($"special token '{text}' is not in the vocabulary");
    }

    /// <summary>A config.json id: an integer, or a list whose first entry is used (eos_token_id may list several).</summary>
    static int? IdValue(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<int>(out int id) => id,
        JsonArray a when a.Count > 0 => a[0]!.GetValue<int>(),
        _ => null,
    };
}
