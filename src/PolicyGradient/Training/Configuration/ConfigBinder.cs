using System.Reflection;
using PolicyGradient.Environments;
using YamlDotNet.RepresentationModel;
using PolicyGradient.Core;

namespace PolicyGradient.Training.Configuration;

/// <summary>
/// Binds configuration layers onto options records: merges the layers (later wins), converts every
/// value, checks <see cref="ConfigRangeAttribute"/> ranges and <see cref="IValidatableOptions"/>
/// rules, and reports every problem at once (one line each) before any work starts.
/// </summary>
public static class ConfigBinder
{
    /// <summary>Binds <paramref name="layers"/> onto a fresh instance of <typeparamref name="T"/>.</summary>
    /// <exception cref="ConfigurationException">Unknown keys, wrong types, out-of-range values or violated rules.</exception>
    public static T Bind<T>(params ConfigLayer[] layers) where T : class, new() => (T)Bind(typeof(T), layers);

    /// <summary>Binds <paramref name="layers"/> onto a fresh instance of <paramref name="optionsType"/>.</summary>
    /// <exception cref="ConfigurationException">Unknown keys, wrong types, out-of-range values or violated rules.</exception>
    public static object Bind(Type optionsType, IEnumerable<ConfigLayer> layers)
    {
        var problems = new List<string>();
        var result = BindMany([optionsType], Merge(layers), problems);
        if (problems.Count > 0) throw new ConfigurationException(problems);
        return result[0];
    }

    /// <summary>The later-wins union of the layers' entries, with the source of each value.</summary>
    internal static List<(string Key, YamlNode Node, string Source)> Merge(IEnumerable<ConfigLayer> layers)
    {
        var merged = new Dictionary<string, (YamlNode, string)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var layer in layers)
            foreach (var (k, v) in layer.Entries)
            {
                if (!merged.ContainsKey(k)) order.Add(k);
                merged[k] = (v, layer.Source);
            }
        return order.Select(k => (k, merged[k].Item1, merged[k].Item2)).ToList();
    }

    /// <summary>
    /// Binds one key space onto several option types at once (the run options and the algorithm's
    /// options share the namespace); each key goes to the first type that has it. Problems are appended.
    /// </summary>
    internal static object[] BindMany(IReadOnlyList<Type> types, IEnumerable<(string Key, YamlNode Node, string Source)> entries, List<string> problems)
    {
        var schemas = types.Select(ConfigSchema.For).ToArray();
        var instances = types.Select(NewDefault).ToArray();
        var maps = new Dictionary<(int, ConfigField), Dictionary<string, object>>();
        foreach (var (key, node, source) in entries)
        {
            int which = -1; ConfigField? field = null; string? sub = null;
            for (int i = 0; i < schemas.Length && field is null; i++)
                if ((field = schemas[i].Find(key, out sub)) is not null) which = i;
            if (field is null && TryShorthand(schemas, instances, key, node, source, problems)) continue;
            if (field is null)
            {
                var closest = Envs.Closest(key, schemas.SelectMany(s => s.Keys), 1);
                problems.Add($"{key}: unknown key (from {source})" + (closest.Count > 0 ? $"; did you mean '{closest[0]}'?" : ""));
                continue;
            }
            if (field.IsMap)
            {
                if (!maps.TryGetValue((which, field), out var dict))
                {
                    dict = new Dictionary<string, object>((IEnumerable<KeyValuePair<string, object>>?)Get(instances[which], field) ?? [], StringComparer.Ordinal);
                    maps[(which, field)] = dict;
                }
                var wrapped = sub is null ? node : new YamlMappingNode { { new YamlScalarNode(sub), node } };
                if (!ConfigValues.TryConvert(wrapped, field.Type, out var mv, out string merr)) { problems.Add($"{key}: {merr} (from {source})"); continue; }
                foreach (var (k, v) in (Dictionary<string, object>)mv!) dict[k] = v;
                continue;
            }
            if (!ConfigValues.TryConvert(node, field.Type, out var value, out string error)) { problems.Add($"{key}: {error} (from {source})"); continue; }
            if (value is null && !AcceptsNull(field.Property)) { problems.Add($"{key}: null is not allowed here, give a value (from {source})"); continue; }
            Set(instances[which], field, value);
        }
        foreach (var ((which, field), dict) in maps) Set(instances[which], field, dict);
        for (int i = 0; i < schemas.Length; i++) Validate(instances[i], schemas[i], problems);
        return instances;
    }

    /// <summary>
    /// A list given for a nested record (SB3's net_arch=[64, 64]) sets every list-typed field under
    /// it (pi and vf alike); anything else there is an error naming the keys to use.
    /// </summary>
    static bool TryShorthand(ConfigSchema[] schemas, object[] instances, string key, YamlNode node, string source, List<string> problems)
    {
        for (int i = 0; i < schemas.Length; i++)
        {
            var under = schemas[i].Under(key);
            if (under.Count == 0) continue;
            var lists = under.Where(f => f.Type.IsArray && f.Key.LastIndexOf('.') == key.Length).ToList();
            if (node is YamlSequenceNode && lists.Count > 0)
            {
                foreach (var f in lists)
                {
                    if (!ConfigValues.TryConvert(node, f.Type, out var v, out string err)) { problems.Add($"{key}: {err} (from {source})"); return true; }
                    Set(instances[i], f, v);
                }
                return true;
            }
            problems.Add($"{key}: expected {(lists.Count > 0 ? "a list like [64, 64] or " : "")}the keys {string.Join(", ", under.Select(f => f.Key))} (from {source})");
            return true;
        }
        return false;
    }

    /// <summary>A default instance whose nested option records are private copies (safe to set).</summary>
    static object NewDefault(Type t)
    {
        var o = Activator.CreateInstance(t) ?? throw new InvalidOperationException($"cannot construct {t.Name}");
        foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.SetMethod is not { IsPublic: true } || !ConfigSchema.IsNestedRecord(p.PropertyType)) continue;
            var nested = p.GetValue(o);
            // Records share nothing once cloned; a null nested record gets its own defaults.
            if (nested is null && p.PropertyType.GetConstructor(Type.EmptyTypes) is null) continue;
            var copy = nested is null ? NewDefault(p.PropertyType) : CloneDeep(nested);
            p.SetValue(o, copy);
        }
        return o;
    }

    static object CloneDeep(object o)
    {
        var clone = o.GetType().GetMethod("<Clone>$")?.Invoke(o, null) ?? o;
        foreach (var p in o.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (p.SetMethod is { IsPublic: true } && ConfigSchema.IsNestedRecord(p.PropertyType) && p.GetValue(clone) is { } n)
                p.SetValue(clone, CloneDeep(n));
        return clone;
    }

    static object? Get(object root, ConfigField f)
    {
        object? o = root;
        foreach (var p in f.Path) o = o is null ? null : p.GetValue(o);
        return o;
    }

    static void Set(object root, ConfigField f, object? value)
    {
        object o = root;
        for (int i = 0; i < f.Path.Length - 1; i++) o = f.Path[i].GetValue(o)!;
        f.Property.SetValue(o, value);
    }

    static void Validate(object instance, ConfigSchema schema, List<string> problems)
    {
        foreach (var f in schema.Fields)
        {
            if (f.Range is not { } r) continue;
            var v = Get(instance, f);
            IEnumerable<double> numbers = v switch
            {
                null => [],
                Schedule s => [s.Initial],
                Array a => a.Cast<object>().Where(IsNumber).Select(Convert.ToDouble),
                _ when IsNumber(v) => [Convert.ToDouble(v)],
                _ => [],
            };
            foreach (double x in numbers)
                if (x < r.Minimum || (r.MinimumExclusive && x == r.Minimum) || x > r.Maximum)
                {
                    problems.Add($"{f.Key}: {ConfigValues.Format(v)} is out of range; expected {RangeText(r)}");
                    break;
                }
        }
        foreach (var (o, prefix) in Validatables(instance, ""))
            foreach (string rule in ((IValidatableOptions)o).Validate())
                problems.Add(prefix.Length == 0 || rule.StartsWith(prefix, StringComparison.Ordinal) ? rule : $"{prefix}{rule}");
    }

    static IEnumerable<(object, string)> Validatables(object o, string prefix)
    {
        if (o is IValidatableOptions) yield return (o, prefix);
        foreach (var p in o.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (p.SetMethod is { IsPublic: true } && ConfigSchema.IsNestedRecord(p.PropertyType) && p.GetValue(o) is { } n)
                foreach (var x in Validatables(n, prefix + ConfigNaming.ToSnakeCase(p.Name) + ".")) yield return x;
    }

    static bool IsNumber(object v) => v is int or long or double or float;

    static string RangeText(ConfigRangeAttribute r)
    {
        string Num(double x) => x >= long.MaxValue / 2.0 ? "∞" : x.ToString("G", System.Globalization.CultureInfo.InvariantCulture);
        string lo = r.MinimumExclusive ? $"> {Num(r.Minimum)}" : $">= {Num(r.Minimum)}";
        return r.Maximum >= long.MaxValue / 2.0 ? lo : $"{lo} and <= {Num(r.Maximum)}";
    }

    /// <summary>Every key of <paramref name="instance"/>'s schema with its canonical value text, in declaration order.</summary>
    public static List<KeyValuePair<string, string>> Describe(object instance) =>
        ConfigSchema.For(instance.GetType()).Fields.Select(f => new KeyValuePair<string, string>(f.Key, FormatField(f, Get(instance, f)))).ToList();

    // A registry name ([ConfigName]) that is a plain identifier is written bare, like an enum value.
    static string FormatField(ConfigField field, object? value) =>
        value is string name && field.Property.IsDefined(typeof(ConfigNameAttribute), inherit: false)
            && name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            ? name
            : ConfigValues.Format(value);

    /// <summary>True when the property is declared nullable (<c>Schedule?</c>, <c>double?</c>): only then may a config set it to null.</summary>
    static bool AcceptsNull(System.Reflection.PropertyInfo property) =>
        Nullable.GetUnderlyingType(property.PropertyType) is not null ||
        (!property.PropertyType.IsValueType && new System.Reflection.NullabilityInfoContext().Create(property).WriteState != System.Reflection.NullabilityState.NotNull);
}
