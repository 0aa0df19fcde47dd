namespace PolicyGradient.Language.Tasks;

/// <summary>
/// An exact rational number in lowest terms (positive denominator), for Countdown's problem generation and
/// its solver: the target must be reached exactly, so intermediate values such as 7/2 are kept as fractions.
/// </summary>
internal readonly record struct Rational(long Numerator, long Denominator)
{
    /// <summary>The largest magnitude of a numerator kept; larger intermediate values are treated as undefined.</summary>
    const long Limit = 1_000_000;

    /// <summary><paramref name="a"/> op <paramref name="b"/> for op in + − * /; null for a division by zero or a result beyond the limit.</summary>
    public static Rational? Apply(Rational a, char op, Rational b)
    {
        long n, d;
        switch (op)
        {
            case '+': n = a.Numerator * b.Denominator + b.Numerator * a.Denominator; d = a.Denominator * b.Denominator; break;
            case '-': n = a.Numerator * b.Denominator - b.Numerator * a.Denominator; d = a.Denominator * b.Denominator; break;
            case '*': n = a.Numerator * b.Numerator; d = a.Denominator * b.Denominator; break;
            default:
                if (b.Numerator == 0) return null;
                n = a.Numerator * b.Denominator; d = a.Denominator * b.Numerator; break;
        }
        if (d < 0) { n = -n; d = -d; }
        long g = Gcd(Math.Abs(n), d);
        return Math.Abs(n) > Limit ? null : new Rational(n / g, d / g);
    }

    static long Gcd(long a, long b) { while (b != 0) (a, b) = (b, a % b); return a == 0 ? 1 : a; }
}
