namespace PolicyGradient.Language.Training;

/// <summary>
/// DAPO's soft overlong punishment (Yu et al. 2025, arXiv 2503.14476, eq. 13), added to the task
/// reward: with L_max the generation limit and L_cache the punishment buffer,
/// <code>R(y) = 0                               |y| ≤ L_max − L_cache
///        = ((L_max − L_cache) − |y|) / L_cache   L_max − L_cache &lt; |y| ≤ L_max
///        = −1                              |y| &gt; L_max</code>
/// scaled by a penalty factor (verl's overlong_buffer.penalty_factor, default 1). |y| counts the
/// response tokens, EOS included (verl's valid response length). The trainer generates up to
/// L_max = (expected length) + L_cache tokens, so answers of the expected length are never punished.
/// </summary>
public static class OverlongRewardShaping
{
    /// <summary>The shaping term for a response of <paramref name="length"/> tokens (≤ 0).</summary>
    public static double Penalty(int length, int maxLength, int bufferLength, double penaltyFactor = 1.0)
    {
        if (bufferLength < 1) throw new ArgumentOutOfRangeException(nameof(bufferLength), bufferLength, "the overlong buffer L_cache must be ≥ 1 token");
        if (maxLength <= bufferLength) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, $"L_max must exceed the buffer L_cache = {bufferLength}");
        int expected = maxLength - bufferLength;
        if (length <= expected) return 0;
        if (length > maxLength) return -penaltyFactor;
        return penaltyFactor * (expected - length) / bufferLength;
    }
}
