namespace PolicyGradient.Language.Tokenizers;

/// <summary>
/// One token per character over a fixed alphabet, for the built-in arithmetic and sequence tasks.
/// Ids: 0 = pad, 1 = bos, 2 = eos, then the alphabet's characters in order.
/// </summary>
public sealed class CharTokenizer : ITokenizer
{
    /// <summary>The alphabet of the built-in tasks: digits, arithmetic, brackets, separators, lower-case letters.</summary>
    public const string DefaultAlphabet = "0123456789+-*/=()[],:; abcdefghijklmnopqrstuvwxyz<>|";

    readonly Dictionary<char, int> _ids = new();

    /// <summary>The characters, in id order (id = 3 + index).</summary>
    public string Alphabet { get; }

    /// <summary>A tokenizer over <paramref name="alphabet"/> (distinct characters).</summary>
    public CharTokenizer(string alphabet = DefaultAlphabet)
    {
        ArgumentException.ThrowIfNullOrEmpty(alphabet);
        foreach (char c in alphabet)
            if (!_ids.TryAdd(c, SpecialCount + _ids.Count))
                throw new ArgumentException($"alphabet repeats the character '{c}'", nameof(alphabet));
        Alphabet = alphabet;
    }

    const int SpecialCount = 3;

    /// <inheritdoc/>
    public int VocabularySize => SpecialCount + Alphabet.Length;
    /// <inheritdoc/>
    public int PadId => 0;
    /// <inheritdoc/>
    public int BosId => 1;
    /// <inheritdoc/>
    public int EosId => 2;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A character is not in the alphabet.</exception>
    public int[] Encode(string text)
    {
        var ids = new int[text.Length];
        for (int i = 0; i < text.Length; i++)
            ids[i] = _ids.TryGetValue(text[i], out int id) ? id
                : throw new ArgumentException($"character '{text[i]}' (position {i} of \"{text}\") is not in the tokenizer's alphabet \"{Alphabet}\"");
        return ids;
    }

    /// <inheritdoc/>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var chars = new List<char>(ids.Length);
        foreach (int id in ids)
        {
            if (id == EosId) break;
            int k = id - SpecialCount;
            if (k >= 0 && k < Alphabet.Length) chars.Add(Alphabet[k]);
        }
        return new string(chars.ToArray());
    }
}
