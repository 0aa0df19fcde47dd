using PolicyGradient.Cli.Options;

namespace PolicyGradient.Tests.Cli;

/// <summary>The numeric forms the command line accepts for counts, integers and numbers.</summary>
public class OptionNumbersTests
{
    [Theory]
    [InlineData("100000", 100000L)]
    [InlineData("100_000", 100000L)]
    [InlineData("1e5", 100000L)]
    [InlineData("2.5e5", 250000L)]
    [InlineData("100k", 100000L)]
    [InlineData("1.5M", 1500000L)]
    [InlineData("2G", 2000000000L)]
    [InlineData("0", 0L)]
    public void Counts_accept_digits_separators_exponents_and_suffixes(string text, long expected) =>
        Assert.Equal(expected, OptionNumbers.ParseCount(text));

    [Theory]
    [InlineData("lots")]
    [InlineData("1.5")]
    [InlineData("1e-1")]
    [InlineData("-5")]
    [InlineData("")]
    [InlineData("k")]
    [InlineData("99999999999999999999")]
    public void Counts_refuse_words_fractions_negatives_and_overflow(string text) => Assert.Null(OptionNumbers.ParseCount(text));

    [Fact]
    public void Integers_and_numbers()
    {
        Assert.Equal(-3L, OptionNumbers.ParseInteger("-3"));
        Assert.Equal(1000L, OptionNumbers.ParseInteger("1_000"));
        Assert.Null(OptionNumbers.ParseInteger("abc"));
        Assert.Null(OptionNumbers.ParseInteger("1e3"));
        Assert.Equal(0.25, OptionNumbers.ParseNumber("0.25"));
        Assert.Equal(1000.0, OptionNumbers.ParseNumber("1e3"));
        Assert.Null(OptionNumbers.ParseNumber("hot"));
        Assert.Null(OptionNumbers.ParseNumber("NaN"));
    }

    [Fact]
    public void Converters_return_the_property_type_and_refuse_what_does_not_fit()
    {
        Assert.Equal(100000, new CountConverter<int>().ConvertFrom("100k"));
        Assert.Equal(100000L, new CountConverter<long>().ConvertFrom("1e5"));
        var e = Assert.Throws<OptionValueException>(() => new SmallCountConverter<int>().ConvertFrom("5e9"));   // beyond int
        Assert.Equal("'5e9' is not a whole number (e.g. 1 or 8)", e.Message);
    }
}
