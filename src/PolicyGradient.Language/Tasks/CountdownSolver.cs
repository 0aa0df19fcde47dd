using System.Globalization;

namespace PolicyGradient.Language.Tasks;

/// <summary>
/// Exhaustive solver for Countdown: the first expression, in one fixed enumeration order, that uses each
/// number exactly once and equals the target. Used to give SFT one deterministic reference per prompt (a
/// "solver-generated solution"): the generator's own expression is drawn at random among many correct ones, so
/// a model trained to imitate it learns a spread of answers for the same prompt.
/// <para>Order: permutations of the numbers in lexicographic order of their positions in the prompt (the prompt's
/// order first); for each, binary trees with the split point from the right (left-deep first); at each node the
/// operator in the order + − * /, the outer operator varying slowest. Text has the fewest brackets that keep the
/// value (standard precedence, left associativity). Exhaustive up to <see cref="MaxNumbers"/> numbers.</para>
/// </summary>
public static class CountdownSolver
{
    /// <summary>The most numbers the solver enumerates (4 numbers: 24 orders × 5 trees × 64 operator choices).</summary>
    public const int MaxNumbers = 4;

    const string Operators = "+-*/";

    /// <summary>The first solution in the solver's order, or null when there is none (or more than <see cref="MaxNumbers"/> numbers).</summary>
    public static string? Solve(IReadOnlyList<int> numbers, int target)
    {
        if (numbers.Count is < 1 or > MaxNumbers) return null;
        var goal = new Rational(target, 1);
        foreach (var order in Permutations(numbers.Count))
        {
            var values = order.Select(i => numbers[i]).ToArray();
            foreach (var e in Expressions(values, 0, values.Length))
                if (e.Value == goal) return e.Text;
        }
        return null;
    }

    readonly record struct Expression(string Text, Rational Value, int Precedence);

    /// <summary>Every expression over numbers[start..end) in the given order, in the solver's enumeration order.</summary>
    static IEnumerable<Expression> Expressions(int[] numbers, int start, int end)
    {
        if (end - start == 1)
        {
            yield return new Expression(numbers[start].ToString(CultureInfo.InvariantCulture), new Rational(numbers[start], 1), 3);
            yield break;
        }
        for (int split = end - 1; split > start; split--)
            foreach (char op in Operators)
                foreach (var left in Expressions(numbers, start, split))
                    foreach (var right in Expressions(numbers, split, end))
                        if (Rational.Apply(left.Value, op, right.Value) is Rational v)
                            yield return new Expression(Join(left, op, right), v, Precedence(op));
    }

    static int Precedence(char op) => op is '+' or '-' ? 1 : 2;

    /// <summary>left op right with brackets only where precedence or a non-associative operator needs them.</summary>
    static string Join(Expression left, char op, Expression right)
    {
        int p = Precedence(op);
        string l = left.Precedence < p ? $"({left.Text})" : left.Text;
        bool bracketRight = right.Precedence < p || (right.Precedence == p && op is '-' or '/');
        string r = bracketRight ? $"({right.Text})" : right.Text;
        return l + op + r;
    }

    /// <summary>All orderings of 0..n-1 in lexicographic order.</summary>
    static IEnumerable<int[]> Permutations(int n)
    {
        var p = Enumerable.Range(0, n).ToArray();
        while (true)
        {
            yield return (int[])p.Clone();
            int i = n - 2;
            while (i >= 0 && p[i] >= p[i + 1]) i--;
            if (i < 0) yield break;
            int j = n - 1;
            while (p[j] <= p[i]) j--;
            (p[i], p[j]) = (p[j], p[i]);
            Array.Reverse(p, i + 1, n - i - 1);
        }
    }
}
