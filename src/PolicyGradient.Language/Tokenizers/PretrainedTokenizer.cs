using System.Text;
using Microsoft.ML.Tokenizers;
using PolicyGradient.Training;

namespace PolicyGradient.Language.Tokenizers;

/// <summary>
/// A byte-level BPE tokenizer of a real checkpoint (GPT-2, Qwen2, Llama 3, OpenAI tiktoken encodings),
/// running on Microsoft.ML.Tokenizers. Added/special tokens such as <c>&lt;|endoftext|&gt;</c> written
/// in the text are encoded as their single ids. Load one with <see cref="FromTokenizerJson"/> (a Hugging
/// Face <c>tokenizer.json</c> or a checkpoint folder) or <see cref="FromTiktoken"/> (a <c>.tiktoken</c> file).
/// </summary>
public sealed class PretrainedTokenizer : ITokenizer
{
    readonly HashSet<int> _specialIds;
    readonly bool _nfc;

    internal PretrainedTokenizer(Tokenizer inner, int vocabularySize, int padId, int bosId, int eosId,
        IEnumerable<int> specialIds, bool normalizeNfc)
    {
        Inner = inner;
        VocabularySize = vocabularySize;
        PadId = padId;
        BosId = bosId;
        EosId = eosId;
        _specialIds = [.. specialIds];
        _nfc = normalizeNfc;
    }

    /// <summary>The Microsoft.ML.Tokenizers tokenizer doing the work (for offsets, counting, …).</summary>
    public Tokenizer Inner { get; }
    /// <inheritdoc/>
    public int VocabularySize { get; }
    /// <inheritdoc/>
    public int PadId { get; }
    /// <inheritdoc/>
    public int BosId { get; }
    /// <inheritdoc/>
    public int EosId { get; }
    /// <summary>Ids of the special tokens (skipped by <see cref="Decode"/>).</summary>
    public IReadOnlySet<int> SpecialIds => _specialIds;

    /// <summary>
    /// Reads a Hugging Face <c>tokenizer.json</c> (BPE model with a ByteLevel pre-tokenizer, as GPT-2,
    /// Qwen2 and Llama 3 use). <paramref name="path"/> is the file or the folder holding it; special ids
    /// come from <c>tokenizer_config.json</c> (bos_token, eos_token, pad_token), then <c>config.json</c>
    /// (bos_token_id, eos_token_id, pad_token_id) in the same folder. Without an EOS there, the added token
    /// <c>&lt;|endoftext|&gt;</c> is EOS; pad falls back to EOS and BOS to EOS (GPT-2's convention).
    /// </summary>
    /// <exception cref="InvalidDataException">Not a byte-level BPE tokenizer.json, or no EOS can be found.</exception>
    public static PretrainedTokenizer FromTokenizerJson(string path) => TokenizerJsonReader.Load(path);

    /// <summary>
    /// Reads a tiktoken file (one "base64(token bytes) rank" per line). <paramref name="specialTokens"/>
    /// maps special token text to ids (e.g. <c>&lt;|endoftext|&gt;</c> → 100257); <paramref name="eosToken"/>
    /// must be one of them. <paramref name="pattern"/> is the pre-tokenizer regex (default: cl100k_base's).
    /// </summary>
    public static PretrainedTokenizer FromTiktoken(string path, IReadOnlyDictionary<string, int> specialTokens, string eosToken,
        string? padToken = null, string? bosToken = null, string? pattern = null) =>
        TiktokenReader.Load(path, specialTokens, eosToken, padToken, bosToken, pattern);

    /// <inheritdoc/>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_nfc) text = text.Normalize(NormalizationForm.FormC);
        return [.. Inner.EncodeToIds(text)];
    }

    /// <inheritdoc/>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var kept = new List<int>(ids.Length);
        foreach (int id in ids)
        {
            if (id == EosId) break;
            if (!_specialIds.Contains(id) && id >= 0 && id < VocabularySize) kept.Add(id);
        }
        return Inner.Decode(kept);
    }
}
