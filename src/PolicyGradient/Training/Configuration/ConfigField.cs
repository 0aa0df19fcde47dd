using System.Reflection;
using PolicyGradient.Core;

namespace PolicyGradient.Training.Configuration;

/// <summary>One bindable leaf of an options record: its dotted key, the property path to it, and its range.</summary>
internal sealed record ConfigField(string Key, PropertyInfo[] Path, Type Type, ConfigRangeAttribute? Range)
{
    /// <summary>True for map-typed fields (env_kwargs) that accept any sub-key.</summary>
    public bool IsMap => ConfigSchema.IsMapType(Type);

    /// <summary>The leaf property.</summary>
    public PropertyInfo Property => Path[^1];
}
