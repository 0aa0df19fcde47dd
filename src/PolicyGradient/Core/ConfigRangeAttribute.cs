namespace PolicyGradient.Core;

/// <summary>
/// Declares the valid range of a numeric option (or of a <see cref="Schedule"/>'s initial value);
/// the configuration binder rejects values outside it with a message naming the key and the range.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ConfigRangeAttribute(double minimum, double maximum) : Attribute
{
    /// <summary>Smallest valid value.</summary>
    public double Minimum { get; } = minimum;

    /// <summary>Largest valid value.</summary>
    public double Maximum { get; } = maximum;

    /// <summary>When true the minimum itself is invalid (e.g. a learning rate must be &gt; 0).</summary>
    public bool MinimumExclusive { get; init; }
}
