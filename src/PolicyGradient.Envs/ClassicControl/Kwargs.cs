using System.Globalization;

namespace PolicyGradient.Environments.ClassicControl;

/// <summary>Reads the keyword arguments of a classic-control env (Gymnasium's <c>make(id, **kwargs)</c>).</summary>
internal static class Kwargs
{
    /// <summary>Throws when <paramref name="kwargs"/> names anything outside <paramref name="known"/>.</summary>
    internal static void CheckKnown(string envId, IReadOnlyDictionary<string, object> kwargs, params string[] known)
    {
        foreach (string key in kwargs.Keys)
            if (Array.IndexOf(known, key) < 0)
                throw new ArgumentException(known.Length == 0
                    ? $"{envId} takes no keyword arguments, got '{key}'"
                    : $"{envId} has no keyword argument '{key}'; it accepts {string.Join(", ", known.Select(k => $"'{k}'"))}");
    }

    /// <summary>A number-valued argument (numbers or invariant-culture strings), or <paramref name="fallback"/> when absent.</summary>
    internal static double Number(string envId, IReadOnlyDictionary<string, object> kwargs, string key, double fallback)
    {
        if (!kwargs.TryGetValue(key, out object? v)) return fallback;
        double d = v switch
        {
            double x => x,
            float x => x,
            int x => x,
            long x => x,
            decimal x => (double)x,
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) => x,
            _ => double.NaN,
        };
        if (!double.IsFinite(d)) throw new ArgumentException($"{envId}: keyword argument '{key}' must be a finite number, got '{v}'");
        return d;
    }

    /// <summary>A boolean argument (bool or "true"/"false"), or <paramref name="fallback"/> when absent.</summary>
    internal static bool Flag(string envId, IReadOnlyDictionary<string, object> kwargs, string key, bool fallback)
    {
        if (!kwargs.TryGetValue(key, out object? v)) return fallback;
        return v switch
        {
            bool b => b,
            string s when bool.TryParse(s, out bool b) => b,
            _ => throw new ArgumentException($"{envId}: keyword argument '{key}' must be true or false, got '{v}'"),
        };
    }
}
