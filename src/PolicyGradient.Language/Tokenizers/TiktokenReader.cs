using Microsoft.ML.Tokenizers;

namespace PolicyGradient.Language.Tokenizers;

/// <summary>Builds a <see cref="PretrainedTokenizer"/> from a tiktoken rank file ("base64(bytes) rank" per line).</summary>
internal static class TiktokenReader
{
    public static PretrainedTokenizer Load(string path, IReadOnlyDictionary<string, int> specialTokens, string eosToken,
        string? padToken, string? bosToken, string? pattern)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no tiktoken file at '{path}'", path);
        ArgumentNullException.ThrowIfNull(specialTokens);
        int Id(string token) => specialTokens.TryGetValue(token, out int id) ? id
            : throw new ArgumentException($"'{token}' is not among the special tokens ({string.Join(", ", specialTokens.Keys)}); add it with its id");
        int eos = Id(eosToken);
        int maxRank = -1;
        foreach (var line in File.ReadLines(path))
        {
            int space = line.LastIndexOf(' ');
            if (space > 0 && int.TryParse(line.AsSpan(space + 1), out int rank)) maxRank = Math.Max(maxRank, rank);
        }
        if (maxRank < 0) throw new InvalidDataException($"{path} has no \"base64 rank\" lines: not a tiktoken file");
        using var stream = File.OpenRead(path);
        var inner = TiktokenTokenizer.Create(stream,
            new ScalarValueRegexPreTokenizer(pattern ?? ByteLevelPatterns.Cl100kBase, specialTokens), null, specialTokens);
        int size = Math.Max(maxRank, specialTokens.Count == 0 ? -1 : specialTokens.Values.Max()) + 1;
        return new PretrainedTokenizer(inner, size, padToken is null ? eos : Id(padToken), bosToken is null ? eos : Id(bosToken), eos,
            specialTokens.Values, normalizeNfc: false);
    }
}
