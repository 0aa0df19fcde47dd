using PolicyGradient.Environments;

namespace PolicyGradient.Language.Tasks;

/// <summary>
/// "a+b=" → "c" and "a*b=" → "c": the answer is the decimal result, judged by exact match after
/// trimming spaces. Addition-v0 draws two n-digit operands (default n = 3; n = 1 includes 0);
/// Multiplication-v0 multiplies a ≤ 99 by b ≤ 9 by default.
/// </summary>
public sealed class ArithmeticTask : VerifiableTask
{
    readonly char _op;
    readonly int _leftMin, _leftMax, _rightMin, _rightMax;

    ArithmeticTask(string id, char op, int leftMin, int leftMax, int rightMin, int rightMax)
    {
        Id = id; _op = op; _leftMin = leftMin; _leftMax = leftMax; _rightMin = rightMin; _rightMax = rightMax;
    }

    /// <summary>Addition of two <paramref name="digits"/>-digit numbers (1 ≤ digits ≤ 9).</summary>
    public static ArithmeticTask Addition(int digits = 3)
    {
        if (digits is < 1 or > 9) throw new ArgumentOutOfRangeException(nameof(digits), digits, "Addition-v0 digits must be in 1..9");
        int lo = digits == 1 ? 0 : Pow10(digits - 1), hi = Pow10(digits) - 1;
        return new ArithmeticTask("Addition-v0", '+', lo, hi, lo, hi);
    }

    /// <summary>Multiplication of a ∈ [0, maxLeft] by b ∈ [0, maxRight].</summary>
    public static ArithmeticTask Multiplication(int maxLeft = 99, int maxRight = 9)
    {
        if (maxLeft is < 1 or > 99_999 || maxRight is < 1 or > 99_999)
            throw new ArgumentOutOfRangeException(nameof(maxLeft), "Multiplication-v0 operands must be in 1..99999");
        return new ArithmeticTask("Multiplication-v0", '*', 0, maxLeft, 0, maxRight);
    }

    static int Pow10(int n) { int p = 1; for (int i = 0; i < n; i++) p *= 10; return p; }

    /// <inheritdoc/>
    public override string Id { get; }

    /// <inheritdoc/>
    public override int MaxCompletionLength => ((long)_leftMax * (_op == '+' ? 1 : _rightMax) + (_op == '+' ? _rightMax : 0)).ToString().Length;

    /// <inheritdoc/>
    protected override TaskSample Generate(Rng rng)
    {
        int a = rng.NextInt(_leftMin, _leftMax + 1), b = rng.NextInt(_rightMin, _rightMax + 1);
        long c = _op == '+' ? (long)a + b : (long)a * b;
        return new TaskSample($"{a}{_op}{b}=", c.ToString(System.Globalization.CultureInfo.InvariantCulture), [a, b]);
    }

    /// <inheritdoc/>
    public override float Verify(string completion, TaskSample sample) => completion.Trim() == sample.Reference ? 1f : 0f;

    /// <inheritdoc/>
    public override float FormatReward(string completion, TaskSample sample)
    {
        var t = completion.Trim();
        return t.Length is > 0 and <= 12 && t.All(char.IsAsciiDigit) ? 1f : 0f;
    }
}
