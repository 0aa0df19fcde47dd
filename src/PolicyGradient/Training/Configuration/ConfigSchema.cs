using System.Reflection;
using PolicyGradient.Core;

namespace PolicyGradient.Training.Configuration;

/// <summary>
/// The keys an options record accepts, found by reflection: every public settable (or init)
/// property, snake_cased (or its <see cref="ConfigKeyAttribute"/>); properties whose type is itself an
/// options record become dotted keys, or keys at the same level with <see cref="ConfigFlattenAttribute"/>.
/// </summary>
internal sealed class ConfigSchema
{
    /// <summary>Fields by dotted key, in declaration order.</summary>
    public IReadOnlyList<ConfigField> Fields { get; }

    readonly Dictionary<string, ConfigField> _byKey;

    ConfigSchema(List<ConfigField> fields)
    {
        Fields = fields;
        _byKey = fields.ToDictionary(f => f.Key, StringComparer.Ordinal);
    }

    /// <summary>The schema of <paramref name="optionsType"/>.</summary>
    public static ConfigSchema For(Type optionsType)
    {
        var fields = new List<ConfigField>();
        Collect(optionsType, "", "", [], fields, depth: 0);
        return new ConfigSchema(fields);
    }

    // prefix: dotted prefix of the keys ("policy."); namePrefix: prefix of the names at this level from [ConfigFlatten] ("kl_").
    static void Collect(Type type, string prefix, string namePrefix, PropertyInfo[] path, List<ConfigField> fields, int depth)
    {
        if (depth > 8) throw new InvalidOperationException($"options type {type.Name} nests more than 8 levels (a cycle?)");
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.SetMethod is not { IsPublic: true } || p.GetIndexParameters().Length > 0) continue;
            // Delegates (e.g. a custom reward function) are code, not configuration: no key for them.
            if (typeof(Delegate).IsAssignableFrom(p.PropertyType)) continue;
            string key = prefix + (p.GetCustomAttribute<ConfigKeyAttribute>()?.Key ?? namePrefix + ConfigNaming.ToSnakeCase(p.Name));
            PropertyInfo[] here = [.. path, p];
            // [ConfigFlatten] groups options in code but keeps their keys at this level.
            if (IsNestedRecord(p.PropertyType) && p.GetCustomAttribute<ConfigFlattenAttribute>() is { } flat)
                Collect(p.PropertyType, prefix, namePrefix + flat.Prefix, here, fields, depth + 1);
            else if (IsNestedRecord(p.PropertyType)) Collect(p.PropertyType, key + ".", "", here, fields, depth + 1);
            else fields.Add(new ConfigField(key, here, p.PropertyType, p.GetCustomAttribute<ConfigRangeAttribute>()));
        }
    }

    /// <summary>
    /// A record (or class constructible without arguments) other than the leaf types: bound through
    /// dotted keys. Positional records qualify too; their defaults come from the parent's instance.
    /// </summary>
    internal static bool IsNestedRecord(Type t) =>
        t.IsClass && t != typeof(string) && !t.IsArray && t != typeof(Schedule) && !IsMapType(t)
        && (t.GetConstructor(Type.EmptyTypes) is not null || t.GetMethod("<Clone>$") is not null);

    /// <summary>The leaf fields directly or indirectly under a nested-record key ("policy.net_arch" → pi, vf).</summary>
    public IReadOnlyList<ConfigField> Under(string key) =>
        Fields.Where(f => f.Key.StartsWith(key + ".", StringComparison.Ordinal)).ToList();

    /// <summary>Dictionary&lt;string, object&gt;-like types (env_kwargs).</summary>
    internal static bool IsMapType(Type t) =>
        t == typeof(Dictionary<string, object>) || t == typeof(IReadOnlyDictionary<string, object>) || t == typeof(IDictionary<string, object>);

    /// <summary>The field for a key, or the map field a dotted key falls under ("env_kwargs.lead_time").</summary>
    public ConfigField? Find(string key, out string? mapSubKey)
    {
        mapSubKey = null;
        if (_byKey.TryGetValue(key, out var f)) return f;
        int dot = key.IndexOf('.');
        while (dot > 0)
        {
            if (_byKey.TryGetValue(key[..dot], out var m) && m.IsMap) { mapSubKey = key[(dot + 1)..]; return m; }
            dot = key.IndexOf('.', dot + 1);
        }
        return null;
    }

    /// <summary>All keys (for suggestions).</summary>
    public IEnumerable<string> Keys => _byKey.Keys;
}
