using System.Globalization;

namespace PolicyGradient.Distributed;

/// <summary>
/// Env kwargs on the wire: each scalar value as "type:text" (bool, long, int, double, string), read
/// back into the same .NET type so the worker's env factory sees what the learner's saw.
/// </summary>
internal static class EnvKwargsText
{
    public static Dictionary<string, string> Write(IReadOnlyDictionary<string, object>? kwargs)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (kwargs is null) return result;
        foreach (var (key, value) in kwargs)
            result[key] = value switch
            {
                bool b => "bool:" + (b ? "true" : "false"),
                long l => "long:" + l.ToString(CultureInfo.InvariantCulture),
                int i => "int:" + i.ToString(CultureInfo.InvariantCulture),
                double d => "double:" + d.ToString("R", CultureInfo.InvariantCulture),
                string s => "string:" + s,
                _ => throw new ArgumentException($"env kwarg {key} is a {value?.GetType().Name ?? "null"}; cluster runs pass only scalar env kwargs (bool, integer, number, text) to their workers"),
            };
        return result;
    }

    public static Dictionary<string, object>? Read(Dictionary<string, string> text)
    {
        if (text.Count == 0) return null;
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, typed) in text)
        {
            int colon = typed.IndexOf(':');
            string type = typed[..colon], value = typed[(colon + 1)..];
            result[key] = type switch
            {
                "bool" => value == "true",
                "long" => long.Parse(value, CultureInfo.InvariantCulture),
                "int" => int.Parse(value, CultureInfo.InvariantCulture),
                "double" => double.Parse(value, CultureInfo.InvariantCulture),
                _ => value,
            };
        }
        return result;
    }
}
