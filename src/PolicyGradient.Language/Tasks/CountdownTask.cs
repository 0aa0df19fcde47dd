using System.Globalization;
using PolicyGradient.Environments;

namespace PolicyGradient.Language.Tasks;

/// <summary>
/// Countdown-v0 (the TinyZero task, Pan et al. 2025): reach a target with + − * / and brackets using
/// each given number exactly once. Prompt "3,7,12:120=", a correct completion "(3+7)*12".
/// Reward as TinyZero's countdown score: 0 when no arithmetic expression can be read from the
/// completion, 0.1 when it is an expression but uses other numbers or misses the target (or divides
/// by zero), 1.0 when it is correct (|value − target| &lt; 1e-5). Problems are built from a random
/// expression over the numbers, so each is solvable; <see cref="TaskSample.Numbers"/> holds the
/// numbers followed by the target.
/// </summary>
public sealed class CountdownTask : VerifiableTask
{
    readonly int _count, _maxNumber, _maxTarget;
    readonly bool _solverReference;

    /// <summary>Problems with <paramref name="count"/> numbers in [1, maxNumber] and a target in [1, maxTarget].</summary>
    /// <param name="count">How many numbers a problem gives (2..6).</param>
    /// <param name="maxNumber">The largest number drawn.</param>
    /// <param name="maxTarget">The largest target kept.</param>
    /// <param name="solverReference">When true, a sample's <see cref="TaskSample.Reference"/> (what SFT imitates) is
    /// <see cref="CountdownSolver"/>'s first solution for the prompt's numbers instead of the random expression the
    /// problem was built from; the problems themselves (numbers, target, order) and the reward do not change.
    /// Needs count ≤ <see cref="CountdownSolver.MaxNumbers"/>.</param>
    public CountdownTask(int count = 3, int maxNumber = 30, int maxTarget = 200, bool solverReference = false)
    {
        if (solverReference && count > CountdownSolver.MaxNumbers)
            throw new ArgumentOutOfRangeException(nameof(solverReference), $"task.solution: solver references need count ≤ {CountdownSolver.MaxNumbers}; use solution: generated for {count} numbers");
        _solverReference = solverReference;
        if (count is < 2 or > 6) throw new ArgumentOutOfRangeException(nameof(count), count, "Countdown-v0 uses 2..6 numbers");
        if (maxNumber < 2 || maxTarget < 1) throw new ArgumentOutOfRangeException(nameof(maxNumber), "maxNumber must be ≥ 2 and maxTarget ≥ 1");
        _count = count; _maxNumber = maxNumber; _maxTarget = maxTarget;
    }

    /// <summary>TinyZero's partial reward for a well-formed but wrong expression.</summary>
    public const float FormatScore = 0.1f;

    /// <inheritdoc/>
    public override string Id => "Countdown-v0";

    /// <inheritdoc/>
    public override int MaxCompletionLength => _count * (_maxNumber.ToString(CultureInfo.InvariantCulture).Length + 3);

    /// <inheritdoc/>
    protected override TaskSample Generate(Rng rng)
    {
        while (true)
        {
            var numbers = Enumerable.Range(0, _count).Select(_ => rng.NextInt(1, _maxNumber + 1)).ToArray();
            var (text, value) = Build(numbers, rng, top: true);
            if (value is null || value.Value.Denominator != 1 || value.Value.Numerator < 1 || value.Value.Numerator > _maxTarget) continue;
            int target = (int)value.Value.Numerator;
            var shown = numbers.OrderBy(_ => rng.NextDouble()).ToArray();   // the order in the prompt hides the solution's order
            string reference = _solverReference ? CountdownSolver.Solve(shown, target) ?? text : text;
            return new TaskSample($"{string.Join(",", shown)}:{target}=", reference, [.. shown, target]);
        }
    }

    /// <summary>A random expression using every number once (in the given order) and its exact value (null if undefined).</summary>
    static (string Text, Rational? Value) Build(ReadOnlySpan<int> numbers, Rng rng, bool top)
    {
        if (numbers.Length == 1) return (numbers[0].ToString(CultureInfo.InvariantCulture), new Rational(numbers[0], 1));
        int split = rng.NextInt(1, numbers.Length);
        var (lt, lv) = Build(numbers[..split], rng, false);
        var (rt, rv) = Build(numbers[split..], rng, false);
        char op = "+-*/"[rng.NextInt(4)];
        Rational? v = lv is null || rv is null ? null : Rational.Apply(lv.Value, op, rv.Value);
        string text = $"{lt}{op}{rt}";
        return (top ? text : $"({text})", v);
    }

    /// <inheritdoc/>
    public override float Verify(string completion, TaskSample sample) => Reward("", completion, sample) == 1f ? 1f : 0f;

    /// <inheritdoc/>
    public override float FormatReward(string completion, TaskSample sample) => ExpressionParser.TryParse(completion, out _, out _) ? 1f : 0f;

    /// <summary>TinyZero's 0 / 0.1 / 1 score.</summary>
    public override float Reward(string prompt, string completion, TaskSample sample)
    {
        if (!ExpressionParser.TryParse(completion, out var value, out var used)) return 0f;
        var given = sample.Numbers.Take(sample.Numbers.Count - 1).Order().ToArray();
        int target = sample.Numbers[^1];
        if (!used.Order().SequenceEqual(given)) return FormatScore;
        if (value is not double v || !double.IsFinite(v)) return FormatScore;   // e.g. division by zero
        return Math.Abs(v - target) < 1e-5 ? 1f : FormatScore;
    }
}
