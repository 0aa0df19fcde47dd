namespace PolicyGradient.Language.Tokenizers;

/// <summary>Text ↔ token ids, with the special ids a decoder-only policy needs.</summary>
public interface ITokenizer
{
    /// <summary>Number of distinct ids (the embedding table's size).</summary>
    int VocabularySize { get; }
    /// <summary>Padding id (never predicted; masked out of attention and losses).</summary>
    int PadId { get; }
    /// <summary>Beginning-of-sequence id, prepended to prompts.</summary>
    int BosId { get; }
    /// <summary>End-of-sequence id: generation stops after it.</summary>
    int EosId { get; }
    /// <summary>Ids of <paramref name="text"/>, without special tokens.</summary>
    int[] Encode(string text);
    /// <summary>Text of <paramref name="ids"/>; special ids are skipped and decoding stops at the first EOS.</summary>
    string Decode(ReadOnlySpan<int> ids);
}
