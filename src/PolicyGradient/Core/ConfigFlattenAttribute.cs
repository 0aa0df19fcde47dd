namespace PolicyGradient.Core;

/// <summary>
/// Keeps a nested options record's keys at its parent's level, each prefixed with <see cref="Prefix"/>,
/// instead of under the dotted key of the property: the options are grouped in code
/// (<c>options.Kl.Coefficient</c>) while configurations keep their flat keys (<c>kl_coefficient</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ConfigFlattenAttribute(string prefix = "") : Attribute
{
    /// <summary>Prepended to the snake_case name of each property of the nested record ("kl_").</summary>
    public string Prefix { get; } = prefix;
}
