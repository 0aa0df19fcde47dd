using System.Globalization;
using System.Text.Json;
using YamlDotNet.RepresentationModel;
using PolicyGradient.Core;

namespace PolicyGradient.Training.Configuration;

/// <summary>Converts raw YAML values to option types (with one clear message when impossible) and back to canonical text.</summary>
internal static class ConfigValues
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Converts <paramref name="node"/> to <paramref name="type"/>; on failure returns false with "expected …, got '…'".</summary>
    public static bool TryConvert(YamlNode node, Type type, out object? value, out string error)
    {
        value = null; error = "";
        var underlying = Nullable.GetUnderlyingType(type);
        if (node is YamlScalarNode s && IsNull(s))
        {
            if (underlying is not null || (!type.IsValueType && type != typeof(string) && !type.IsArray)) return true;
            if (type == typeof(string)) { value = ""; return true; }
            error = $"expected {Describe(type)}, got null"; return false;
        }
        type = underlying ?? type;
        if (type.IsArray)
        {
            var elem = type.GetElementType()!;
            if (node is not YamlSequenceNode seq) { error = $"expected a list like [64, 64], got '{Show(node)}'"; return false; }
            var arr = Array.CreateInstance(elem, seq.Children.Count);
            for (int i = 0; i < seq.Children.Count; i++)
            {
                if (!TryConvert(seq.Children[i], elem, out var item, out string e)) { error = $"item {i}: {e}"; return false; }
                arr.SetValue(item, i);
            }
            value = arr; return true;
        }
        if (ConfigSchema.IsMapType(type))
        {
            if (node is not YamlMappingNode map) { error = $"expected a mapping like {{key: value}}, got '{Show(node)}'"; return false; }
            var dict = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var (k, v) in map.Children) dict[((YamlScalarNode)k).Value ?? ""] = Infer(v);
            value = dict; return true;
        }
        if (node is not YamlScalarNode scalar) { error = $"expected {Describe(type)}, got a {(node is YamlSequenceNode ? "list" : "mapping")}"; return false; }
        string t = scalar.Value ?? "";
        if (type == typeof(string)) { value = t; return true; }
        if (type == typeof(bool))
        {
            switch (t.ToLowerInvariant())
            {
                case "true" or "yes" or "on": value = true; return true;
                case "false" or "no" or "off": value = false; return true;
            }
            error = $"expected true or false, got '{t}'"; return false;
        }
        if (type == typeof(int) || type == typeof(long))
        {
            if (TryInteger(t, out long l) && (type == typeof(long) || l is >= int.MinValue and <= int.MaxValue))
            { value = type == typeof(int) ? (object)(int)l : l; return true; }
            error = $"expected an integer, got '{t}'"; return false;
        }
        if (type == typeof(double) || type == typeof(float))
        {
            if (double.TryParse(t, NumberStyles.Float, Inv, out double d) && double.IsFinite(d))
            { value = type == typeof(float) ? (object)(float)d : d; return true; }
            error = $"expected a number, got '{t}'"; return false;
        }
        if (type == typeof(Schedule))
        {
            try { value = Schedule.Parse(t); return true; }
            catch (FormatException) { error = $"expected a number or a linear schedule like lin_1e-3, got '{t}'"; return false; }
        }
        if (type.IsEnum)
        {
            foreach (string name in Enum.GetNames(type))
                if (string.Equals(name, t, StringComparison.OrdinalIgnoreCase) || ConfigNaming.ToSnakeCase(name) == t.ToLowerInvariant())
                { value = Enum.Parse(type, name); return true; }
            error = $"expected one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}, got '{t}'"; return false;
        }
        error = $"options of type {type.Name} are not supported by the config binder"; return false;
    }

    /// <summary>Integers may be written as 1e5 or 100000.0 (the zoo writes n_timesteps as !!float 1e5).</summary>
    static bool TryInteger(string t, out long l)
    {
        if (long.TryParse(t, NumberStyles.Integer, Inv, out l)) return true;
        if (double.TryParse(t, NumberStyles.Float, Inv, out double d) && double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 9.2e18)
        { l = (long)d; return true; }
        return false;
    }

    static bool IsNull(YamlScalarNode s) =>
        s.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any && (s.Value is null or "" or "~" || string.Equals(s.Value, "null", StringComparison.OrdinalIgnoreCase));

    /// <summary>An env_kwargs value: integer, number, bool, string, or a list of them.</summary>
    static object Infer(YamlNode node)
    {
        if (node is YamlSequenceNode seq) return seq.Children.Select(Infer).ToArray();
        if (node is YamlMappingNode) return Show(node);
        string t = ((YamlScalarNode)node).Value ?? "";
        if (((YamlScalarNode)node).Style is not (YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any)) return t;
        if (long.TryParse(t, NumberStyles.Integer, Inv, out long l)) return l;
        if (double.TryParse(t, NumberStyles.Float, Inv, out double d)) return d;
        if (bool.TryParse(t, out bool b)) return b;
        return t;
    }

    static string Describe(Type t) =>
        t == typeof(int) || t == typeof(long) ? "an integer" :
        t == typeof(double) || t == typeof(float) ? "a number" :
        t == typeof(bool) ? "true or false" :
        t == typeof(Schedule) ? "a number or a linear schedule like lin_1e-3" :
        t == typeof(string) ? "a string" : t.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(t).Select(n => n.ToLowerInvariant())) : t.Name;

    /// <summary>Short text of a node for messages.</summary>
    public static string Show(YamlNode node) => node switch
    {
        YamlScalarNode s => s.Value ?? "",
        YamlSequenceNode q => "[" + string.Join(", ", q.Children.Select(Show)) + "]",
        YamlMappingNode m => "{" + string.Join(", ", m.Children.Select(kv => Show(kv.Key) + ": " + Show(kv.Value))) + "}",
        _ => node.ToString(),
    };

    /// <summary>Canonical YAML text of a bound value (round-trips through <see cref="TryConvert"/>).</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        string s => JsonSerializer.Serialize(s),
        bool b => b ? "true" : "false",
        double d => FormatDouble(d),
        float f => FormatDouble(double.Parse(f.ToString("R", Inv), Inv)),
        int or long => Convert.ToString(value, Inv)!,
        Schedule sc => sc.ToString(),
        Enum e => e.ToString().ToLowerInvariant(),   // "relu", "tanh": the names users type
        Array a => "[" + string.Join(", ", a.Cast<object?>().Select(Format)) + "]",
        IEnumerable<KeyValuePair<string, object>> map => "{" + string.Join(", ", map.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => JsonSerializer.Serialize(kv.Key) + ": " + Format(kv.Value))) + "}",
        _ => JsonSerializer.Serialize(value.ToString()),
    };

    static string FormatDouble(double d)
    {
        string r = d.ToString("R", Inv);
        // Keep a visible decimal point or exponent so the value reads back as a number, not an integer.
        return r.Contains('.') || r.Contains('E') || r.Contains('e') ? r : r + ".0";
    }
}
