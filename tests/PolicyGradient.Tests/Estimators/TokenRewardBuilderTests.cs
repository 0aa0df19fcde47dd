using PolicyGradient.Estimators;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Estimators;

/// <summary>OpenRLHF's token rewards: −β·kl on every response token, the clipped score on the last one.</summary>
public sealed class TokenRewardBuilderTests
{
    [Fact]
    public void ClippedScoreOnTheLastTokenAndTheKlPenaltyEverywhere()
    {
        var scores = tensor(new[] { 7.0f, -0.5f, float.NaN });
        var mask = tensor(new float[] { 1, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0 }).reshape(3, 4);
        var kl = tensor(new float[] { 0.1f, 0.2f, 0.3f, 9f, 0.4f, 0f, 9f, 9f, 1f, 1f, 1f, 1f }).reshape(3, 4);
        var r = TokenRewardBuilder.Build(scores, mask, kl, klCoefficient: 0.5, rewardClip: 5.0);
        // row 0: −0.05, −0.1, −0.15 + clamp(7, ±5) = 4.85, masked 0; row 1: −0.2 + (−0.5) on its last token, then 0;
        // row 2: invalid sample (NaN score) → all zero.
        var expected = new[] { -0.05f, -0.1f, 4.85f, 0f, -0.2f, -0.5f, 0f, 0f, 0f, 0f, 0f, 0f };
        var got = r.data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], got[i], 5);
    }

    [Fact]
    public void WithoutClipOrKlItIsTheScoreOnTheLastTokenAndBadInputIsNamed()
    {
        var r = TokenRewardBuilder.Build(tensor(new[] { 7.0f }), ones(1, 3));
        Assert.Equal(new[] { 0f, 0f, 7f }, r.data<float>().ToArray());
        var clip = Assert.Throws<ArgumentException>(() => TokenRewardBuilder.Build(tensor(new[] { 1f }), ones(1, 3), rewardClip: 0));
        Assert.Contains("rewardClip must be > 0", clip.Message);
        var shape = Assert.Throws<ArgumentException>(() => TokenRewardBuilder.Build(tensor(new[] { 1f, 2f }), ones(1, 3)));
        Assert.Contains("scores must be [1]", shape.Message);
    }
}
