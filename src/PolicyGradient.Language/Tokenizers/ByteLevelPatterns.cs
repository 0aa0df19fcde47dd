namespace PolicyGradient.Language.Tokenizers;

/// <summary>Pre-tokenizer regexes of the common byte-level BPE tokenizers (split text into words before merging).</summary>
public static class ByteLevelPatterns
{
    /// <summary>GPT-2's (Radford et al. 2019), also the ByteLevel pre-tokenizer's with use_regex = true and tiktoken's r50k/p50k.</summary>
    public const string Gpt2 = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>tiktoken's cl100k_base (GPT-3.5/4), written for .NET's regex engine.</summary>
    public const string Cl100kBase = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
}
