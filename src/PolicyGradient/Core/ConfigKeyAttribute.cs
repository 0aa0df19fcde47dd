namespace PolicyGradient.Core;

/// <summary>
/// The configuration key of a property when it is not the snake_case of its name (relative to the
/// parent's prefix): used where grouped options keep the keys configurations already use.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ConfigKeyAttribute(string key) : Attribute
{
    /// <summary>The key at this level (after any dotted prefix, replacing a <see cref="ConfigFlattenAttribute"/> prefix), e.g. "adaptive_kl".</summary>
    public string Key { get; } = key;
}
