using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace PolicyGradient.Language.Tokenizers;

/// <summary>
/// Splits text into pre-tokens with a regex evaluated over Unicode scalar values, as the reference
/// tokenizers do (Hugging Face tokenizers and tiktoken run their regexes over chars, not UTF-16 code units).
/// Special tokens written in the text come out as their own pre-tokens first (longest match wins).
/// Text without surrogates (all of the Basic Multilingual Plane) goes straight to the regex; text with a
/// supplementary-plane character is matched on a copy where each surrogate pair is one stand-in character of
/// the same general category (<see cref="ScalarCategoryStandIns"/>), and the match offsets are mapped back.
/// </summary>
internal sealed class ScalarValueRegexPreTokenizer : PreTokenizer
{
    readonly Regex _split;
    readonly Regex? _special;

    /// <summary>A pre-tokenizer splitting with <paramref name="pattern"/>, keeping <paramref name="specialTokens"/> whole.</summary>
    public ScalarValueRegexPreTokenizer(string pattern, IReadOnlyDictionary<string, int>? specialTokens)
    {
        _split = new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        if (specialTokens is { Count: > 0 })
            _special = new Regex(string.Join("|", specialTokens.Keys.OrderByDescending(k => k.Length).ThenBy(k => k, StringComparer.Ordinal)
                .Select(Regex.Escape)), RegexOptions.Compiled | RegexOptions.CultureInvariant);
    }

    /// <inheritdoc/>
    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) =>
        string.IsNullOrEmpty(text) ? [] : Split(text.AsSpan());

    /// <inheritdoc/>
    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) =>
        text.IsEmpty ? [] : Split(text);

    /// <summary>The pre-tokens of <paramref name="text"/> as (offset, length) in UTF-16 code units of the original text.</summary>
    public List<(int Offset, int Length)> Split(ReadOnlySpan<char> text)
    {
        var pieces = new List<(int, int)>();
        int start = 0;
        if (_special is not null)
            foreach (var m in _special.EnumerateMatches(text))
            {
                SplitOrdinary(text[start..m.Index], start, pieces);
                pieces.Add((m.Index, m.Length));
                start = m.Index + m.Length;
            }
        SplitOrdinary(text[start..], start, pieces);
        return pieces;
    }

    void SplitOrdinary(ReadOnlySpan<char> text, int offset, List<(int, int)> pieces)
    {
        if (text.IsEmpty) return;
        if (text.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            foreach (var m in _split.EnumerateMatches(text)) pieces.Add((offset + m.Index, m.Length));
            return;
        }
        // starts[k] = offset of the k-th scalar value in text; starts[count] = text.Length.
        var standIn = new char[text.Length];
        var starts = new int[text.Length + 1];
        int count = 0, i = 0;
        while (i < text.Length)
        {
            starts[count] = i;
            if (Rune.DecodeFromUtf16(text[i..], out var rune, out int used) == System.Buffers.OperationStatus.Done && used == 2)
                standIn[count] = ScalarCategoryStandIns.For(rune);
            else
            {
                standIn[count] = text[i];   // BMP character, or a lone surrogate kept as it is
                used = 1;
            }
            count++;
            i += used;
        }
        starts[count] = text.Length;
        foreach (var m in _split.EnumerateMatches(standIn.AsSpan(0, count)))
            pieces.Add((offset + starts[m.Index], starts[m.Index + m.Length] - starts[m.Index]));
    }
}
