using System.Globalization;

namespace PolicyGradient.Environments.Operations;

/// <summary>
/// Reads the keyword arguments of an operations env: rejects unknown keys (listing the valid ones)
/// and converts values given as numbers or strings (the CLI passes strings), with one-line errors
/// that name the kwarg, the value and the fix.
/// </summary>
internal sealed class OperationsKwargs
{
    readonly string _env;
    readonly IReadOnlyDictionary<string, object> _values;

    internal OperationsKwargs(string env, IReadOnlyDictionary<string, object>? values, IReadOnlyCollection<string> valid)
    {
        _env = env;
        _values = values ?? new Dictionary<string, object>();
        foreach (string key in _values.Keys)
            if (!valid.Contains(key))
                throw new ArgumentException($"{env}: unknown kwarg '{key}'; valid kwargs are {string.Join(", ", valid)}");
    }

    internal bool Has(string key) => _values.ContainsKey(key);

    /// <summary>An integer kwarg with a lower bound; <paramref name="why"/> completes "must be >= min because ...".</summary>
    internal int Int(string key, int fallback, int min, string why)
    {
        if (!_values.TryGetValue(key, out object? raw)) return fallback;
        int v = ToInt(key, raw);
        if (v < min) throw new ArgumentException($"{_env}: kwarg '{key}' = {v} is invalid; give an integer >= {min} ({why})");
        return v;
    }

    /// <summary>A finite real kwarg with a lower bound (inclusive unless <paramref name="strict"/>).</summary>
    internal double Real(string key, double fallback, double min, bool strict, string why)
    {
        if (!_values.TryGetValue(key, out object? raw)) return fallback;
        double v = ToDouble(key, raw);
        if (!double.IsFinite(v) || (strict ? v <= min : v < min))
            throw new ArgumentException($"{_env}: kwarg '{key}' = {Fmt(v)} is invalid; give a finite number {(strict ? ">" : ">=")} {Fmt(min)} ({why})");
        return v;
    }

    /// <summary>An integer per item: one value for all, or a list (array or "a,b,c") of exactly <paramref name="count"/>.</summary>
    internal int[] Ints(string key, int count, int fallback, int min, string why)
    {
        var result = new int[count];
        if (!_values.TryGetValue(key, out object? raw)) { Array.Fill(result, fallback); return result; }
        object[] items = Items(raw);
        if (items.Length == 1) Array.Fill(result, ToInt(key, items[0]));
        else if (items.Length == count) for (int i = 0; i < count; i++) result[i] = ToInt(key, items[i]);
        else throw new ArgumentException($"{_env}: kwarg '{key}' has {items.Length} values; give one value or exactly {count} (one per retailer)");
        foreach (int v in result)
            if (v < min) throw new ArgumentException($"{_env}: kwarg '{key}' contains {v}; give integers >= {min} ({why})");
        return result;
    }

    /// <summary>A real per item: one value for all, or a list of exactly <paramref name="count"/>.</summary>
    internal double[] Reals(string key, int count, double fallback, double min, bool strict, string why)
    {
        var result = new double[count];
        if (!_values.TryGetValue(key, out object? raw)) { Array.Fill(result, fallback); return result; }
        object[] items = Items(raw);
        if (items.Length == 1) Array.Fill(result, ToDouble(key, items[0]));
        else if (items.Length == count) for (int i = 0; i < count; i++) result[i] = ToDouble(key, items[i]);
        else throw new ArgumentException($"{_env}: kwarg '{key}' has {items.Length} values; give one value or exactly {count} (one per retailer)");
        foreach (double v in result)
            if (!double.IsFinite(v) || (strict ? v <= min : v < min))
                throw new ArgumentException($"{_env}: kwarg '{key}' contains {Fmt(v)}; give finite numbers {(strict ? ">" : ">=")} {Fmt(min)} ({why})");
        return result;
    }

    /// <summary>A string kwarg restricted to <paramref name="choices"/> (case-insensitive).</summary>
    internal string Choice(string key, string fallback, params string[] choices)
    {
        if (!_values.TryGetValue(key, out object? raw)) return fallback;
        string s = Convert.ToString(raw, CultureInfo.InvariantCulture)?.Trim() ?? "";
        foreach (string c in choices)
            if (string.Equals(c, s, StringComparison.OrdinalIgnoreCase)) return c;
        throw new ArgumentException($"{_env}: kwarg '{key}' = '{s}' is invalid; give one of {string.Join(", ", choices)}");
    }

    static object[] Items(object raw) => raw switch
    {
        string s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        System.Collections.IEnumerable e => e.Cast<object>().ToArray(),
        _ => [raw],
    };

    int ToInt(string key, object raw)
    {
        double d = ToDouble(key, raw);
        if (d != Math.Floor(d) || d < int.MinValue || d > int.MaxValue)
            throw new ArgumentException($"{_env}: kwarg '{key}' = {Fmt(d)} is not an integer; give a whole number");
        return (int)d;
    }

    double ToDouble(string key, object raw)
    {
        try
        {
            return raw switch
            {
                string s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
                IConvertible c => c.ToDouble(CultureInfo.InvariantCulture),
                _ => throw new FormatException(),
            };
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
        {
            throw new ArgumentException($"{_env}: kwarg '{key}' = '{raw}' is not a number; give a number such as 5");
        }
    }

    static string Fmt(double v) => v.ToString("G", CultureInfo.InvariantCulture);
}
