using System.Text;
using System.Text.Json.Nodes;
using PolicyGradient.Language.Tokenizers;

namespace PolicyGradient.Tests.Language.Tokenizers;

/// <summary>
/// Byte-level BPE from a tiny tokenizer.json and a tiny tiktoken file written here. The base vocabulary
/// is GPT-2's: the 256 bytes in bytes_to_unicode order, so printable ASCII c has id c − 33, a space
/// (byte 32, shown as 'Ġ') id 188 + 32 = 220, and é = bytes C3 A9 = 'Ã' (id 127) '©' (id 102).
/// </summary>
public sealed class PretrainedTokenizerTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "pg-tok-" + Guid.NewGuid().ToString("N"));

    public PretrainedTokenizerTests() => Directory.CreateDirectory(_dir);

    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, true); }

    // merge ranks 0..5 create ids 256..261
    static readonly string[][] Merges = [["h", "e"], ["l", "l"], ["he", "ll"], ["Ġ", "w"], ["o", "r"], ["Ã", "©"]];
    const int Hell = 258, Ll = 257, SpaceW = 259, Or = 260, EAcute = 261, EndOfText = 262, PadToken = 263;

    /// <summary>GPT-2's byte → printable-character table (bytes_to_unicode), in vocabulary order.</summary>
    static List<(byte Byte, char Char)> ByteAlphabet()
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range(0xA1, 12)).Concat(Enumerable.Range(0xAE, 82)).ToList();
        var table = printable.Select(b => ((byte)b, (char)b)).ToList();
        int n = 0;
        for (int b = 0; b < 256; b++) if (!printable.Contains(b)) table.Add(((byte)b, (char)(256 + n++)));
        return table;
    }

    string WriteTokenizerJson(bool qwenStyle)
    {
        var vocab = new JsonObject();
        var alphabet = ByteAlphabet();
        for (int i = 0; i < alphabet.Count; i++) vocab[alphabet[i].Char.ToString()] = i;
        for (int i = 0; i < Merges.Length; i++) vocab[Merges[i][0] + Merges[i][1]] = 256 + i;
        vocab["<|endoftext|>"] = EndOfText;   // GPT-2 keeps its special token in the vocab as well
        var merges = new JsonArray(Merges.Select(m => qwenStyle ? (JsonNode)new JsonArray(m[0], m[1]) : JsonValue.Create($"{m[0]} {m[1]}")).ToArray());
        JsonNode pre = qwenStyle
            ? new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = ByteLevelPatterns.Cl100kBase }, ["behavior"] = "Isolated", ["invert"] = false },
                    new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false }),
            }
            : new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true };
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(
                new JsonObject { ["id"] = EndOfText, ["content"] = "<|endoftext|>", ["special"] = true },
                new JsonObject { ["id"] = PadToken, ["content"] = "<|pad|>", ["special"] = true }),
            ["normalizer"] = qwenStyle ? new JsonObject { ["type"] = "NFC" } : null,
            ["pre_tokenizer"] = pre,
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel" },
            ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = merges, ["byte_fallback"] = false },
        };
        File.WriteAllText(Path.Combine(_dir, "tokenizer.json"), root.ToJsonString());
        return Path.Combine(_dir, "tokenizer.json");
    }

    [Theory, InlineData(false), InlineData(true)]
    public void Tokenizer_json_encodes_known_ids(bool qwenStyle)
    {
        var tok = PretrainedTokenizer.FromTokenizerJson(WriteTokenizerJson(qwenStyle));
        // "hello" → he·ll → hell + o; " world" → Ġw + or + l + d.
        Assert.Equal(new[] { Hell, 'o' - 33, SpaceW, Or, 'l' - 33, 'd' - 33 }, tok.Encode("hello world"));
        // é is two bytes merged by "Ã ©"; the space before ✓ is its own byte (220), ✓ = E2 9C 93 stays three bytes.
        Assert.Equal(new[] { 'h' - 33, EAcute, Ll, 'o' - 33 }, tok.Encode("héllo"));
        Assert.Equal(220, tok.Encode(" ")[0]);
        Assert.Equal(264, tok.VocabularySize);
    }

    [Theory, InlineData(false), InlineData(true)]
    public void Tokenizer_json_round_trips_ascii_and_non_ascii(bool qwenStyle)
    {
        var tok = PretrainedTokenizer.FromTokenizerJson(WriteTokenizerJson(qwenStyle));
        foreach (var text in new[] { "hello world", "Hello, World! 12+3=15\n\tok", "héllo ✓ 日本語 naïve ñ 🙂" })
            Assert.Equal(text, tok.Decode(tok.Encode(text)));
    }

    [Fact]
    public void Special_tokens_in_text_are_single_ids_and_decode_skips_them_and_stops_at_eos()
    {
        var tok = PretrainedTokenizer.FromTokenizerJson(WriteTokenizerJson(false));
        Assert.Equal(new[] { Hell, 'o' - 33, PadToken, Hell, 'o' - 33, EndOfText, SpaceW, Or }, tok.Encode("hello<|pad|>hello<|endoftext|> wor"));
        Assert.Equal("hellohello", tok.Decode([Hell, 'o' - 33, PadToken, Hell, 'o' - 33, EndOfText, SpaceW, Or]));
        // No tokenizer_config.json: <|endoftext|> is EOS, and pad and BOS fall back to it (GPT-2).
        Assert.Equal((EndOfText, EndOfText, EndOfText), (tok.EosId, tok.PadId, tok.BosId));
        Assert.Contains(PadToken, tok.SpecialIds);
    }

    [Fact]
    public void Special_ids_come_from_tokenizer_config_then_config_json()
    {
        WriteTokenizerJson(true);
        File.WriteAllText(Path.Combine(_dir, "tokenizer_config.json"),
            """{"bos_token": null, "eos_token": "<|endoftext|>", "pad_token": {"content": "<|pad|>", "special": true}}""");
        File.WriteAllText(Path.Combine(_dir, "config.json"), """{"model_type": "qwen2", "bos_token_id": 256, "eos_token_id": [257, 258]}""");
        var tok = PretrainedTokenizer.FromTokenizerJson(_dir);
        Assert.Equal((EndOfText, PadToken, 256), (tok.EosId, tok.PadId, tok.BosId));
    }

    [Fact]
    public void Unsupported_tokenizer_json_is_refused_by_name()
    {
        File.WriteAllText(Path.Combine(_dir, "tokenizer.json"), """{"model": {"type": "Unigram", "vocab": []}}""");
        Assert.Contains("Unigram", Assert.Throws<InvalidDataException>(() => PretrainedTokenizer.FromTokenizerJson(_dir)).Message);
        File.WriteAllText(Path.Combine(_dir, "tokenizer.json"),
            """{"pre_tokenizer": {"type": "Metaspace"}, "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}""");
        Assert.Contains("Metaspace", Assert.Throws<InvalidDataException>(() => PretrainedTokenizer.FromTokenizerJson(_dir)).Message);
    }

    /// <summary>Ranks 0..255 are the single bytes, then "ab" = 256, " ab" = 257, "é" = 258; &lt;|endoftext|&gt; = 259.</summary>
    string WriteTiktoken()
    {
        var lines = Enumerable.Range(0, 256).Select(b => Convert.ToBase64String([(byte)b]) + " " + b).ToList();
        string[] merged = ["ab", " ab", "é"];
        for (int i = 0; i < merged.Length; i++) lines.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes(merged[i])) + " " + (256 + i));
        string path = Path.Combine(_dir, "tiny.tiktoken");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void Tiktoken_file_encodes_known_ids_and_round_trips()
    {
        var tok = PretrainedTokenizer.FromTiktoken(WriteTiktoken(), new Dictionary<string, int> { ["<|endoftext|>"] = 259 }, "<|endoftext|>");
        // cl100k splitting: "ab" | " c" | " ab"; " c" has no merge, so it stays bytes 32, 99.
        Assert.Equal(new[] { 256, 32, 99, 257 }, tok.Encode("ab c ab"));
        Assert.Equal(new[] { 'c', 258, 256, 259, 257 }, tok.Encode("céab<|endoftext|> ab"));
        Assert.Equal("céab", tok.Decode(tok.Encode("céab<|endoftext|> ab")));
        foreach (var text in new[] { "abc ab, x=1", "日本語 ✓ naïve" }) Assert.Equal(text, tok.Decode(tok.Encode(text)));
        Assert.Equal((259, 259, 260), (tok.EosId, tok.PadId, tok.VocabularySize));
        Assert.Throws<ArgumentException>(() => PretrainedTokenizer.FromTiktoken(WriteTiktoken(), new Dictionary<string, int>(), "<|endoftext|>"));
    }
}
