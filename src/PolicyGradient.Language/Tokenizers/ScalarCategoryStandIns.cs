using System.Globalization;
using System.Text;

namespace PolicyGradient.Language.Tokenizers;

/// <summary>
/// One Basic-Multilingual-Plane character per Unicode general category, standing in for a supplementary-plane
/// scalar value of that category while a .NET regex (which sees UTF-16 code units) runs. The reference
/// tokenizers (Hugging Face tokenizers, tiktoken) match their pre-tokenizer regexes over scalar values, so
/// U+1D49C 𝒜 is a \p{L} there; in .NET its two surrogates are \p{Cs}. Replacing the pair by one character
/// of the same category gives the regex the same classes to decide on (\p{L}, \p{Lu}, \p{N}, \w, \s, …).
/// None of the stand-ins is ASCII or case-equivalent to ASCII, so literal parts of the patterns ('s, \r\n, ' ')
/// never match them.
/// </summary>
internal static class ScalarCategoryStandIns
{
    /// <summary>Indexed by <see cref="UnicodeCategory"/> (0..29).</summary>
    static readonly char[] StandIns =
    [
        '\u0394', // UppercaseLetter: Greek capital delta
        '\u03B4', // LowercaseLetter: Greek small delta
        '\u01C5', // TitlecaseLetter: Latin capital D with small z with caron
        '\u02B0', // ModifierLetter: modifier letter small h
        '\u05D0', // OtherLetter: Hebrew alef
        '\u0300', // NonSpacingMark: combining grave accent
        '\u0903', // SpacingCombiningMark: Devanagari sign visarga
        '\u20DD', // EnclosingMark: combining enclosing circle
        '\u0660', // DecimalDigitNumber: Arabic-Indic digit zero
        '\u2160', // LetterNumber: Roman numeral one
        '\u00B2', // OtherNumber: superscript two
        '\u2000', // SpaceSeparator: en quad
        '\u2028', // LineSeparator
        '\u2029', // ParagraphSeparator
        '\u0080', // Control: a C1 control that is not white space
        '\u00AD', // Format: soft hyphen
        '\uD800', // Surrogate: never used (a scalar value is not a surrogate)
        '\uE000', // PrivateUse
        '\u203F', // ConnectorPunctuation: undertie
        '\u2010', // DashPunctuation: hyphen
        '\u2045', // OpenPunctuation: left square bracket with quill
        '\u2046', // ClosePunctuation: right square bracket with quill
        '\u00AB', // InitialQuotePunctuation: left-pointing double angle quotation mark
        '\u00BB', // FinalQuotePunctuation: right-pointing double angle quotation mark
        '\u00B6', // OtherPunctuation: pilcrow
        '\u00D7', // MathSymbol: multiplication sign
        '\u00A2', // CurrencySymbol: cent sign
        '\u02C2', // ModifierSymbol: modifier letter left arrowhead
        '\u00A6', // OtherSymbol: broken bar
        '\u0378', // OtherNotAssigned: an unassigned code point of the Greek block
    ];

    /// <summary>The stand-in of <paramref name="category"/>.</summary>
    public static char For(UnicodeCategory category) => StandIns[(int)category];

    /// <summary>The stand-in of a supplementary-plane scalar value (its general category's).</summary>
    public static char For(Rune rune) => For(Rune.GetUnicodeCategory(rune));
}
