using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PolicyGradient.Language.Tokenizers;

namespace PolicyGradient.Tests.Language.Tokenizers;

/// <summary>
/// Pre-tokenization over Unicode scalar values: a supplementary-plane letter (U+1D49C 𝒜) or digit
/// (U+1D7CE..U+1D7D1 𝟎𝟏𝟐𝟑) is \p{L} / \p{N} as in the reference tokenizers. Expected splits were computed
/// with Python's <c>regex</c> module (which matches over code points, as tiktoken and HF tokenizers do)
/// on the same patterns.
/// </summary>
public sealed class ScalarValuePreTokenizationTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "pg-tok-scalar-" + Guid.NewGuid().ToString("N"));

    public ScalarValuePreTokenizationTests() => Directory.CreateDirectory(_dir);

    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, true); }

    static string[] Pieces(string pattern, string text, IReadOnlyDictionary<string, int>? special = null) =>
        [.. new ScalarValueRegexPreTokenizer(pattern, special).Split(text).Select(p => text.Substring(p.Offset, p.Length))];

    [Theory]
    [InlineData("𝒜's", new[] { "𝒜", "'s" })]
    [InlineData("x 𝒜'S 𝟎𝟏𝟐𝟑 ab\n𝒜\n\n 𝟎'd", new[] { "x", " 𝒜", "'", "S", " 𝟎𝟏𝟐𝟑", " ab", "\n", "𝒜", "\n\n", " 𝟎", "'d" })]
    [InlineData("a𝒜b 🙂'll", new[] { "a𝒜b", " 🙂'", "ll" })]
    [InlineData("𝟎𝟏1'S", new[] { "𝟎𝟏1", "'", "S" })]
    [InlineData("𝒜 's\n\n𝒜's", new[] { "𝒜", " '", "s", "\n", "\n", "𝒜", "'s" })]
    public void Gpt2_pattern_splits_supplementary_letters_and_digits_like_the_reference(string text, string[] expected) =>
        Assert.Equal(expected, Pieces(ByteLevelPatterns.Gpt2, text));

    [Theory]
    [InlineData("𝒜's", new[] { "𝒜", "'s" })]
    [InlineData("x 𝒜'S 𝟎𝟏𝟐𝟑 ab\n𝒜\n\n 𝟎'd", new[] { "x", " 𝒜", "'S", " ", "𝟎𝟏𝟐", "𝟑", " ab", "\n", "𝒜", "\n\n", " ", "𝟎", "'d" })]
    [InlineData("a𝒜b 🙂'll", new[] { "a𝒜b", " 🙂'", "ll" })]
    [InlineData("𝟎𝟏1'S", new[] { "𝟎𝟏1", "'S" })]
    [InlineData("𝒜 's\n\n𝒜's", new[] { "𝒜", " '", "s", "\n\n", "𝒜", "'s" })]
    public void Cl100k_pattern_splits_supplementary_letters_and_digits_like_the_reference(string text, string[] expected) =>
        Assert.Equal(expected, Pieces(ByteLevelPatterns.Cl100kBase, text));

    [Fact]
    public void Special_tokens_stay_whole_next_to_supplementary_characters()
    {
        var special = new Dictionary<string, int> { ["<|endoftext|>"] = 0, ["<|end|>"] = 1 };
        Assert.Equal(["𝒜", "<|endoftext|>", "'s", "<|end|>", "𝟎"], Pieces(ByteLevelPatterns.Gpt2, "𝒜<|endoftext|>'s<|end|>𝟎", special));
    }

    [Theory]
    [InlineData("Hello, World! 12345+3=15\n\n\tok  it's")]
    [InlineData("héllo ✓ 日本語 naïve ñ I'LL  \r\n x")]
    [InlineData("  leading and trailing  ")]
    public void Basic_plane_text_splits_exactly_as_the_plain_regex(string text)
    {
        foreach (var pattern in new[] { ByteLevelPatterns.Gpt2, ByteLevelPatterns.Cl100kBase })
            Assert.Equal(Regex.Matches(text, pattern).Select(m => m.Value), Pieces(pattern, text));
    }

    [Fact]
    public void Lone_surrogates_are_kept_and_covered()
    {
        string text = "a\uD835 b\uDC9Cc";   // a high surrogate without its low half, and a low one alone
        var pieces = Pieces(ByteLevelPatterns.Gpt2, text);
        Assert.Equal(text, string.Concat(pieces));
    }

    [Fact]
    public void Every_stand_in_has_its_category_and_is_not_ascii_or_case_equivalent_to_it()
    {
        var caseInsensitiveAscii = new Regex("[\\x00-\\x7F]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        foreach (var category in Enum.GetValues<UnicodeCategory>().Where(c => c != UnicodeCategory.Surrogate))
        {
            char c = ScalarCategoryStandIns.For(category);
            Assert.Equal(category, CharUnicodeInfo.GetUnicodeCategory(c));
            Assert.False(caseInsensitiveAscii.IsMatch(c.ToString()), $"stand-in U+{(int)c:X4} matches ASCII ignoring case");
        }
        Assert.Equal(UnicodeCategory.UppercaseLetter, CharUnicodeInfo.GetUnicodeCategory(ScalarCategoryStandIns.For(new Rune(0x1D49C))));
        Assert.Equal(UnicodeCategory.DecimalDigitNumber, CharUnicodeInfo.GetUnicodeCategory(ScalarCategoryStandIns.For(new Rune(0x1D7CE))));
    }

    /// <summary>Ranks: bytes 0..255, then "'s" = 256, "𝟎𝟏𝟐" = 257, "𝒜" = 258; &lt;|endoftext|&gt; = 259.</summary>
    string WriteTiktoken()
    {
        var lines = Enumerable.Range(0, 256).Select(b => Convert.ToBase64String([(byte)b]) + " " + b).ToList();
        string[] merged = ["'s", "𝟎𝟏𝟐", "𝒜"];
        for (int i = 0; i < merged.Length; i++) lines.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes(merged[i])) + " " + (256 + i));
        string path = Path.Combine(_dir, "tiny.tiktoken");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void Tiktoken_ids_follow_scalar_value_splits()
    {
        var tok = PretrainedTokenizer.FromTiktoken(WriteTiktoken(), new Dictionary<string, int> { ["<|endoftext|>"] = 259 }, "<|endoftext|>");
        // cl100k: 𝒜 | 's | ' ' | 𝟎𝟏𝟐 | 𝟑 (F0 9D 9F 91) | \n | 𝒜. Over UTF-16 units "𝒜'" would be one piece and "'s" never formed.
        Assert.Equal(new[] { 258, 256, 32, 257, 0xF0, 0x9D, 0x9F, 0x91, 10, 258 }, tok.Encode("𝒜's 𝟎𝟏𝟐𝟑\n𝒜"));
        Assert.Equal("𝒜's 𝟎𝟏𝟐𝟑\n𝒜", tok.Decode(tok.Encode("𝒜's 𝟎𝟏𝟐𝟑\n𝒜")));
    }

    /// <summary>GPT-2's byte → printable-character table (bytes_to_unicode): the id of byte b and its character.</summary>
    static List<char> ByteAlphabet()
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range(0xA1, 12)).Concat(Enumerable.Range(0xAE, 82)).ToList();
        var table = printable.Select(b => (char)b).ToList();
        int n = 0;
        for (int b = 0; b < 256; b++) if (!printable.Contains(b)) table.Add((char)(256 + n++));
        return table;
    }

    static char ByteChar(int b)
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range(0xA1, 12)).Concat(Enumerable.Range(0xAE, 82)).ToHashSet();
        if (printable.Contains(b)) return (char)b;
        int n = Enumerable.Range(0, b).Count(x => !printable.Contains(x));
        return (char)(256 + n);
    }

    /// <summary>Merges 256 = "'s", 257/258 = halves of 𝒜 (F0 9D | 92 9C), 259 = 𝒜; &lt;|endoftext|&gt; = 260.</summary>
    string WriteTokenizerJson(bool splitStep)
    {
        var alphabet = ByteAlphabet();
        var vocab = new JsonObject();
        for (int i = 0; i < alphabet.Count; i++) vocab[alphabet[i].ToString()] = i;
        string a = $"{ByteChar(0xF0)}{ByteChar(0x9D)}", b = $"{ByteChar(0x92)}{ByteChar(0x9C)}";
        string[][] merges = [["'", "s"], [a[..1], a[1..]], [b[..1], b[1..]], [a, b]];
        for (int i = 0; i < merges.Length; i++) vocab[merges[i][0] + merges[i][1]] = 256 + i;
        JsonNode pre = splitStep
            ? new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = ByteLevelPatterns.Cl100kBase }, ["behavior"] = "Isolated", ["invert"] = false },
                    new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["use_regex"] = false }),
            }
            : new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["use_regex"] = true };
        var root = new JsonObject
        {
            ["added_tokens"] = new JsonArray(new JsonObject { ["id"] = 260, ["content"] = "<|endoftext|>", ["special"] = true }),
            ["pre_tokenizer"] = pre,
            ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = new JsonArray([.. merges.Select(m => (JsonNode)new JsonArray(m[0], m[1]))]) },
        };
        string path = Path.Combine(_dir, "tokenizer.json");
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }

    [Theory, InlineData(false), InlineData(true)]
    public void Tokenizer_json_ids_follow_scalar_value_splits(bool splitStep)
    {
        var tok = PretrainedTokenizer.FromTokenizerJson(WriteTokenizerJson(splitStep));
        // "𝒜" | "'s": over UTF-16 units the pieces would be "𝒜'" | "s" = [259, 6, 82].
        Assert.Equal(new[] { 259, 256 }, tok.Encode("𝒜's"));
        // A newline between: "𝒜" | "\n" (byte 10 = id 188 + 10) | "𝒜" | "'s".
        Assert.Equal(new[] { 259, 198, 259, 256 }, tok.Encode("𝒜\n𝒜's"));
        Assert.Equal("𝒜\n𝒜's 𝟎", tok.Decode(tok.Encode("𝒜\n𝒜's 𝟎")));
    }

    [Fact]
    public void A_split_regex_dotnet_cannot_read_is_refused_by_name()
    {
        WriteTokenizerJson(true);
        string file = Path.Combine(_dir, "tokenizer.json");
        File.WriteAllText(file, File.ReadAllText(file).Replace(JsonValue.Create(ByteLevelPatterns.Cl100kBase)!.ToJsonString(), "\"\\\\p{L}++\""));
        var e = Assert.Throws<InvalidDataException>(() => PretrainedTokenizer.FromTokenizerJson(_dir));
        Assert.Contains("Split", e.Message);
    }
}
