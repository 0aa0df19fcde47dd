using System.ComponentModel;
using System.Globalization;
using System.Numerics;

namespace PolicyGradient.Cli.Options;

/// <summary>
/// A command-line value that could not be read as its option's type. The message says what was
/// expected but not which option: <see cref="CliErrors"/> adds the option name from the arguments.
/// </summary>
public sealed class OptionValueException(string value, string expected) : Exception($"'{value}' is not {expected}")
{
    /// <summary>The text given on the command line.</summary>
    public string Value { get; } = value;

    /// <summary>What the option expects, e.g. "a whole number (e.g. 1 or 8)".</summary>
    public string Expected { get; } = expected;
}

/// <summary>Parses the numeric forms the command line accepts.</summary>
public static class OptionNumbers
{
    /// <summary>What a count option expects, for messages.</summary>
    public const string CountForm = "a whole number (e.g. 100000, 100_000, 1e5 or 100k)";

    /// <summary>What a small count option (threads, episodes) expects, for messages.</summary>
    public const string SmallCountForm = "a whole number (e.g. 1 or 8)";

    /// <summary>What an integer option expects, for messages.</summary>
    public const string IntegerForm = "an integer (e.g. 0 or 42)";

    /// <summary>What a real-number option expects, for messages.</summary>
    public const string NumberForm = "a number (e.g. 0.5 or 2)";

    /// <summary>
    /// A non-negative whole number written as digits with optional '_' separators (100_000), in
    /// exponent form (1e5, 2.5e5) or with a k/M/G suffix (100k, 1.5M); null when it is none of these
    /// or not whole.
    /// </summary>
    public static long? ParseCount(string text)
    {
        string t = text.Trim().Replace("_", "", StringComparison.Ordinal);
        if (t.Length == 0 || t[0] is '-' or '+') return null;
        double scale = 1;
        switch (t[^1])
        {
            case 'k' or 'K': scale = 1e3; t = t[..^1]; break;
            case 'm' or 'M': scale = 1e6; t = t[..^1]; break;
            case 'g' or 'G' or 'b' or 'B': scale = 1e9; t = t[..^1]; break;
        }
        if (scale == 1 && long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long plain)) return plain;
        if (!decimal.TryParse(t, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out decimal d)) return null;
        decimal v = d * (decimal)scale;
        if (v != decimal.Truncate(v) || v > long.MaxValue) return null;
        return (long)v;
    }

    /// <summary>An integer (optionally negative, '_' separators allowed); null otherwise.</summary>
    public static long? ParseInteger(string text) =>
        long.TryParse(text.Trim().Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : null;

    /// <summary>A finite real number in invariant notation; null otherwise.</summary>
    public static double? ParseNumber(string text) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : null;
}

/// <summary>Base of the option converters: string in, <typeparamref name="T"/> out, or an <see cref="OptionValueException"/>.</summary>
public abstract class OptionConverter<T> : TypeConverter where T : struct, INumber<T>
{
    /// <inheritdoc />
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string);

    /// <inheritdoc />
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
    {
        string text = value as string ?? "";
        T? result = Parse(text);
        return result ?? throw new OptionValueException(text, Expected);
    }

    /// <summary>The parsed value, or null when the text is not valid.</summary>
    protected abstract T? Parse(string text);

    /// <summary>What the option expects, for the message.</summary>
    protected abstract string Expected { get; }

    /// <summary><paramref name="v"/> as <typeparamref name="T"/>, or null when it does not fit.</summary>
    protected static T? Fit(long? v)
    {
        if (v is not long x) return null;
        try { return T.CreateChecked(x); }
        catch (OverflowException) { return null; }
    }
}

/// <summary>Counts (timesteps, steps, episodes, threads...): 100000, 100_000, 1e5, 100k.</summary>
public sealed class CountConverter<T> : OptionConverter<T> where T : struct, INumber<T>
{
    /// <inheritdoc />
    protected override T? Parse(string text) => Fit(OptionNumbers.ParseCount(text));

    /// <inheritdoc />
    protected override string Expected => OptionNumbers.CountForm;
}

/// <summary>Small counts (threads, episodes, problems): the same forms as <see cref="CountConverter{T}"/>, a message with small examples.</summary>
public sealed class SmallCountConverter<T> : OptionConverter<T> where T : struct, INumber<T>
{
    /// <inheritdoc />
    protected override T? Parse(string text) => Fit(OptionNumbers.ParseCount(text));

    /// <inheritdoc />
    protected override string Expected => OptionNumbers.SmallCountForm;
}

/// <summary>Integers that may be negative (seeds).</summary>
public sealed class IntegerConverter<T> : OptionConverter<T> where T : struct, INumber<T>
{
    /// <inheritdoc />
    protected override T? Parse(string text) => Fit(OptionNumbers.ParseInteger(text));

    /// <inheritdoc />
    protected override string Expected => OptionNumbers.IntegerForm;
}

/// <summary>Real numbers (temperature, seconds).</summary>
public sealed class NumberConverter : OptionConverter<double>
{
    /// <inheritdoc />
    protected override double? Parse(string text) => OptionNumbers.ParseNumber(text);

    /// <inheritdoc />
    protected override string Expected => OptionNumbers.NumberForm;
}
