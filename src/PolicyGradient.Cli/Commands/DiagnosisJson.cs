using System.Text.Json;

namespace PolicyGradient.Cli.Commands;

/// <summary>The `--json` lines of `pg diagnose gradients`: one object per row, in the row's key order.</summary>
internal static class DiagnosisJson
{
    /// <summary>
    /// One JSON line of <paramref name="values"/>. A NaN or infinite number (e.g. the signal-to-noise ratio
    /// when no parameter's gradient varies) is written as null: JSON has no NaN, and System.Text.Json throws on one.
    /// </summary>
    public static string Line(IEnumerable<KeyValuePair<string, object>> values) =>
        JsonSerializer.Serialize(values.ToDictionary(kv => kv.Key, kv => kv.Value is double d && !double.IsFinite(d) ? null : kv.Value));
}
