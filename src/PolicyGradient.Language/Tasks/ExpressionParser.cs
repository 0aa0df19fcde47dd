using System.Globalization;

namespace PolicyGradient.Language.Tasks;

/// <summary>
/// Reads an arithmetic expression (non-negative integers, + − * /, brackets, spaces) by recursive
/// descent with the usual precedence; never executes code. Division by zero gives the value null
/// (the text is still an expression).
/// </summary>
internal static class ExpressionParser
{
    /// <summary>True when the whole <paramref name="text"/> is an expression; <paramref name="value"/> is its value
    /// (null on division by zero) and <paramref name="numbers"/> the integer literals in order.</summary>
    public static bool TryParse(string text, out double? value, out List<int> numbers)
    {
        numbers = [];
        value = null;
        var s = text.Replace(" ", "", StringComparison.Ordinal);
        if (s.Length == 0 || s.Length > 200) return false;
        int pos = 0;
        bool ok = Sum(s, ref pos, numbers, out value) && pos == s.Length;
        return ok;
    }

    static bool Sum(string s, ref int pos, List<int> numbers, out double? value)
    {
        if (!Product(s, ref pos, numbers, out value)) return false;
        while (pos < s.Length && s[pos] is '+' or '-')
        {
            char op = s[pos++];
            if (!Product(s, ref pos, numbers, out var right)) return false;
            value = value is null || right is null ? null : op == '+' ? value + right : value - right;
        }
        return true;
    }

    static bool Product(string s, ref int pos, List<int> numbers, out double? value)
    {
        if (!Atom(s, ref pos, numbers, out value)) return false;
        while (pos < s.Length && s[pos] is '*' or '/')
        {
            char op = s[pos++];
            if (!Atom(s, ref pos, numbers, out var right)) return false;
            value = value is null || right is null ? null : op == '*' ? value * right : right == 0 ? null : value / right;
        }
        return true;
    }

    static bool Atom(string s, ref int pos, List<int> numbers, out double? value)
    {
        value = null;
        if (pos >= s.Length) return false;
        if (s[pos] == '(')
        {
            pos++;
            if (!Sum(s, ref pos, numbers, out value) || pos >= s.Length || s[pos] != ')') return false;
            pos++;
            return true;
        }
        int start = pos;
        while (pos < s.Length && char.IsAsciiDigit(s[pos]) && pos - start < 9) pos++;
        if (pos == start) return false;
        int n = int.Parse(s.AsSpan(start, pos - start), CultureInfo.InvariantCulture);
        numbers.Add(n);
        value = n;
        return true;
    }
}
