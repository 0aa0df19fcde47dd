using PolicyGradient.Language.Training;

namespace PolicyGradient.Tests.Language.Training;

public class OverlongRewardShapingTests
{
    [Theory]
    // L_max = 10, L_cache = 4: no penalty up to 6 tokens, linear to −1 at 10, −1 beyond.
    [InlineData(1, 0.0)]
    [InlineData(6, 0.0)]
    [InlineData(7, -0.25)]
    [InlineData(8, -0.5)]
    [InlineData(10, -1.0)]
    [InlineData(11, -1.0)]
    public void Dapo_equation_13_at_and_around_the_boundaries(int length, double expected)
    {
        Assert.Equal(expected, OverlongRewardShaping.Penalty(length, maxLength: 10, bufferLength: 4), 12);
    }

    [Fact]
    public void Penalty_factor_scales_and_bad_buffers_are_rejected()
    {
        Assert.Equal(-0.25, OverlongRewardShaping.Penalty(8, 10, 4, penaltyFactor: 0.5), 12);
        Assert.Equal(-0.5, OverlongRewardShaping.Penalty(12, 10, 4, penaltyFactor: 0.5), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => OverlongRewardShaping.Penalty(3, 10, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => OverlongRewardShaping.Penalty(3, 4, 4));
    }
}
