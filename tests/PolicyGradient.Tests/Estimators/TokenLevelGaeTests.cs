using PolicyGradient.Estimators;
using TorchSharp;
using static PolicyGradient.Tests.TensorAssert;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Estimators;

public class TokenLevelGaeTests
{
    static GroupAdvantageInput Input(float[] scores, float[,] mask, float[,]? tokenRewards = null) =>
        new(torch.tensor(scores), torch.zeros(scores.Length, ScalarType.Int64), T2(mask), TokenRewards: tokenRewards is null ? null : T2(tokenRewards));

    [Fact]
    public void Hand_computed_advantages_and_returns_with_the_score_on_the_last_token()
    {
        using var scope = torch.NewDisposeScope();
        // One response of 2 tokens (third is padding); V = [0.5, 0.8].
        var values = T2(new float[,] { { 0.5f, 0.8f, 7f } });
        // γ = λ = 1: A_t = Σ r − V_t = [0.5, 0.2]; R = [1, 1].
        var (a, r) = TokenLevelGae.Compute(Input([1f], new float[,] { { 1, 1, 0 } }), values, 1, 1, whiten: false);
        Close([0.5f, 0.2f, 0f], a);
        Close([1f, 1f, 0f], r);
        // γ = 0.9, λ = 0.5: δ1 = 1 − 0.8 = 0.2; δ0 = 0.9·0.8 − 0.5 = 0.22; A0 = 0.22 + 0.45·0.2 = 0.31.
        (a, r) = TokenLevelGae.Compute(Input([1f], new float[,] { { 1, 1, 0 } }), values, 0.9, 0.5, whiten: false);
        Close([0.31f, 0.2f, 0f], a);
        Close([0.81f, 1.0f, 0f], r);
    }

    [Fact]
    public void Token_rewards_enter_the_recursion_and_padding_rewards_are_ignored()
    {
        using var scope = torch.NewDisposeScope();
        var values = T2(new float[,] { { 0.5f, 0.8f, 0f } });
        // r̃ = [−0.1, −0.2 + 1] (the −5 sits on padding): A = Σ r̃ − V = [0.2, 0.0].
        var (a, _) = TokenLevelGae.Compute(Input([1f], new float[,] { { 1, 1, 0 } }, new float[,] { { -0.1f, -0.2f, -5f } }), values, 1, 1, whiten: false);
        Close([0.2f, 0f, 0f], a);
    }

    [Fact]
    public void Whitening_uses_the_valid_tokens_of_valid_samples_only()
    {
        using var scope = torch.NewDisposeScope();
        var values = torch.zeros(3, 3);
        var (a, _) = TokenLevelGae.Compute(Input([1f, 0f, float.NaN], new float[,] { { 1, 1, 0 }, { 1, 0, 0 }, { 1, 1, 1 } }), values, 1, 1);
        // Raw advantages on the 3 valid tokens: [1, 1, 0]; mean 2/3, unbiased std √(1/3).
        double s = Math.Sqrt(1.0 / 3 + 1e-8);
        Close([(float)(1 / 3.0 / s), (float)(1 / 3.0 / s), 0f, (float)(-2 / 3.0 / s), 0f, 0f, 0f, 0f, 0f], a, 1e-4);
    }

    [Fact]
    public void Lambda_one_equals_returns_minus_values_on_every_valid_token()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var values = torch.randn(4, 5);
        var mask = new float[,] { { 1, 1, 1, 1, 1 }, { 1, 1, 0, 0, 0 }, { 1, 0, 0, 0, 0 }, { 1, 1, 1, 0, 0 } };
        var (a, r) = TokenLevelGae.Compute(Input([1f, -1f, 0.5f, 2f], mask), values, 1, 1, whiten: false);
        Close(Values(r - values * T2(mask)), a, 1e-5);
        // and with γ = λ = 1 the return is the score on every valid token
        Close(Values(torch.tensor(new float[] { 1f, -1f, 0.5f, 2f }).unsqueeze(1) * T2(mask)), r, 1e-5);
    }
}
