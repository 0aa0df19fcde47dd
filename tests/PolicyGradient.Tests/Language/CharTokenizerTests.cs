using PolicyGradient.Language.Tokenizers;

namespace PolicyGradient.Tests.Language;

public class CharTokenizerTests
{
    [Fact]
    public void Round_trips_text_and_reserves_special_ids()
    {
        var tok = new CharTokenizer();
        Assert.Equal((0, 1, 2), (tok.PadId, tok.BosId, tok.EosId));
        Assert.Equal(3 + CharTokenizer.DefaultAlphabet.Length, tok.VocabularySize);
        var ids = tok.Encode("12+7=19");
        Assert.Equal(new[] { 4, 5, 13, 10, 17, 4, 12 }, ids);   // '0' is id 3
        Assert.Equal("12+7=19", tok.Decode(ids));
    }

    [Fact]
    public void Decode_skips_specials_and_stops_at_eos()
    {
        var tok = new CharTokenizer("ab");
        Assert.Equal("ab", tok.Decode([1, 3, 0, 4, 2, 3, 3]));
    }

    [Fact]
    public void Unknown_characters_and_repeated_alphabet_are_rejected_clearly()
    {
        var tok = new CharTokenizer("ab");
        Assert.Contains("'c'", Assert.Throws<ArgumentException>(() => tok.Encode("abc")).Message);
        Assert.Throws<ArgumentException>(() => new CharTokenizer("aba"));
    }
}
