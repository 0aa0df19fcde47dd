using PolicyGradient.Environments;

namespace PolicyGradient.Language.Tasks;

/// <summary>
/// Sequence transformations judged by exact match. Reverse-v0: "abcd&gt;" → "dcba" over lower-case
/// letters; Sort-v0: "3152|" → "1235" (the digits in ascending order). Lengths are drawn uniformly
/// from [minLength, maxLength] (default 3..8).
/// </summary>
public sealed class SequenceTask : VerifiableTask
{
    readonly bool _sort;
    readonly int _minLength, _maxLength;

    SequenceTask(string id, bool sort, int minLength, int maxLength)
    {
        if (minLength < 1 || maxLength < minLength || maxLength > 40)
            throw new ArgumentOutOfRangeException(nameof(maxLength), $"{id} lengths must satisfy 1 ≤ min ≤ max ≤ 40, got {minLength}..{maxLength}");
        Id = id; _sort = sort; _minLength = minLength; _maxLength = maxLength;
    }

    /// <summary>Reverse a string of letters.</summary>
    public static SequenceTask Reverse(int minLength = 3, int maxLength = 8) => new("Reverse-v0", false, minLength, maxLength);

    /// <summary>Sort a string of digits.</summary>
    public static SequenceTask Sort(int minLength = 3, int maxLength = 8) => new("Sort-v0", true, minLength, maxLength);

    /// <inheritdoc/>
    public override string Id { get; }

    /// <inheritdoc/>
    public override int MaxCompletionLength => _maxLength;

    char Marker => _sort ? '|' : '>';

    /// <inheritdoc/>
    protected override TaskSample Generate(Rng rng)
    {
        int n = rng.NextInt(_minLength, _maxLength + 1);
        var chars = new char[n];
        for (int i = 0; i < n; i++) chars[i] = _sort ? (char)('0' + rng.NextInt(10)) : (char)('a' + rng.NextInt(26));
        var answer = (char[])chars.Clone();
        if (_sort) Array.Sort(answer); else Array.Reverse(answer);
        return new TaskSample(new string(chars) + Marker, new string(answer));
    }

    /// <inheritdoc/>
    public override float Verify(string completion, TaskSample sample) => completion.Trim() == sample.Reference ? 1f : 0f;

    /// <summary>1 when the completion has the input's length and only the input's kind of characters.</summary>
    public override float FormatReward(string completion, TaskSample sample)
    {
        var t = completion.Trim();
        bool kind = t.All(c => _sort ? char.IsAsciiDigit(c) : c is >= 'a' and <= 'z');
        return kind && t.Length == sample.Reference.Length ? 1f : 0f;
    }
}
