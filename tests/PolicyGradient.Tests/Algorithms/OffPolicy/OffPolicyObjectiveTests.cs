using PolicyGradient.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Algorithms.OffPolicy;

/// <summary>The pure off-policy objectives on hand-computed values (the worked numbers of their docs).</summary>
public class OffPolicyObjectiveTests
{
    static Tensor T(params float[] v) => torch.tensor(v);
    static float[] Read(Tensor t) => t.detach().contiguous().data<float>().ToArray();
    static float Scalar1(Tensor t) => t.detach().item<float>();

    [Fact]
    public void Clipped_double_Q_target_takes_the_smaller_critic_subtracts_the_entropy_term_and_masks_terminations()
    {
        var rewards = T(1, 1, 1);
        var discounts = T(0.5f, 0.5f, 0.25f);
        var dones = T(0, 1, 0);
        var nextQ = torch.tensor(new float[] { 4, 2, 4, 2, 10, 8 }, [3, 2]);
        // Row 0: 1 + 0.5·(min(4, 2) − (−1)) = 2.5; row 1 terminated: 1; row 2: 1 + 0.25·(8 + 1) = 3.25.
        var y = ClippedDoubleQTarget.Compute(rewards, discounts, dones, nextQ, T(-1, -1, -1));
        Assert.Equal(new[] { 2.5f, 1f, 3.25f }, Read(y));
        Assert.False(y.requires_grad);
        // TD3/DDPG: no entropy term: 1 + 0.5·2 = 2.
        Assert.Equal(new[] { 2f, 1f, 3f }, Read(ClippedDoubleQTarget.Compute(rewards, discounts, dones, nextQ)));
        // One critic ([B] values): no minimum to take.
        Assert.Equal(new[] { 3f, 1f, 3.5f }, Read(ClippedDoubleQTarget.Compute(rewards, discounts, dones, T(4, 4, 10))));
    }

    [Fact]
    public void Twin_critic_loss_sums_the_critics_mean_squared_errors_and_SAC_halves_it()
    {
        var q = torch.tensor(new float[] { 1, 2, 3, 2 }, [2, 2]); // Q1 = [1, 3], Q2 = [2, 2]
        var y = T(2, 2);
        Assert.Equal(1f, Scalar1(TwinCriticLoss.SumOfMse(q, y)));
        Assert.Equal(0.5f, Scalar1(TwinCriticLoss.HalfSumOfMse(q, y)));
        Assert.Equal(1f, Scalar1(TwinCriticLoss.SumOfMse(T(1, 3), y)));
    }

    [Fact]
    public void Twin_critic_loss_gradient_does_not_reach_the_target()
    {
        var q = torch.tensor(new float[] { 1, 2, 3, 2 }, [2, 2]).requires_grad_(true);
        var y = T(2, 2).requires_grad_(true);
        TwinCriticLoss.SumOfMse(q, y).backward();
        // d/dQ_i,b (Σ_i mean_b (Q − y)²) = 2(Q − y)/B.
        Assert.Equal(new[] { -1f, 0f, 1f, 0f }, Read(q.grad!));
        Assert.Null(y.grad);
    }

    [Fact]
    public void Sac_actor_loss_is_the_mean_of_alpha_log_pi_minus_min_Q()
    {
        var alpha = torch.tensor(0.5f).requires_grad_(true);
        var logProb = T(-1, -3).requires_grad_(true);
        var loss = SacObjectives.ActorLoss(alpha, logProb, T(2, 0));
        Assert.Equal(-2f, Scalar1(loss));
        loss.backward();
        Assert.Null(alpha.grad); // α is a constant for the actor
        Assert.Equal(new[] { 0.25f, 0.25f }, Read(logProb.grad!)); // α / B
    }

    [Fact]
    public void Sac_temperature_loss_moves_only_log_alpha_towards_the_target_entropy()
    {
        var logAlpha = torch.tensor(new float[] { 0.2f }).requires_grad_(true);
        var logProb = T(-1, -3).requires_grad_(true);
        var loss = SacObjectives.TemperatureLoss(logAlpha, logProb, targetEntropy: -1);
        Assert.Equal(0.6f, Scalar1(loss), 6);
        loss.backward();
        // d/d log α = −mean(log π + H̄) = −(−2 − 4)/2 = 3: the entropy (2 nats) is above the target (−1), so α shrinks.
        Assert.Equal(3f, Read(logAlpha.grad!)[0], 6);
        Assert.Null(logProb.grad);
    }

    [Fact]
    public void Td3_actor_loss_is_minus_the_mean_first_critic_value() =>
        Assert.Equal(-2f, Scalar1(Td3Objectives.ActorLoss(T(1, 3))));

    [Fact]
    public void Squashed_Gaussian_sample_matches_hand_computed_actions_and_log_probabilities()
    {
        // Row 0: μ 0, log σ 0, ε 0 → a = 0, log π = −½ log 2π.
        // Row 1: μ 0.5, σ 0.5, ε 1 → u = 1, a = tanh 1; log π = −½ − log 0.5 − ½ log 2π − log(1 − tanh²1 + 1e-6).
        // Row 2: log σ 5 is clamped to 2: μ 0, ε 0.1 → u = 0.1·e², log π uses log σ = 2.
        var mean = torch.tensor(new float[] { 0, 0.5f, 0 }, [3, 1]);
        var logStd = torch.tensor(new float[] { 0, (float)Math.Log(0.5), 5 }, [3, 1]);
        var noise = torch.tensor(new float[] { 0, 1, 0.1f }, [3, 1]);
        var (action, logProb) = SquashedGaussianSample.Sample(mean, logStd, noise);
        var a = Read(action);
        var lp = Read(logProb);
        Assert.Equal(0f, a[0]);
        Assert.Equal(-0.5 * Math.Log(2 * Math.PI), lp[0], 5);
        Assert.Equal(0.7615941559557649, a[1], 6);
        Assert.Equal(0.14176792722631615, lp[1], 4);
        Assert.Equal(0.6284835014676566, a[2], 5);
        Assert.Equal(-2.421427395408006, lp[2], 4);
        Assert.Equal([3L], logProb.shape);
    }

    [Fact]
    public void Squashed_Gaussian_log_probability_stays_finite_where_tanh_saturates()
    {
        var (action, logProb) = SquashedGaussianSample.Sample(torch.tensor(new float[] { 30 }, [1, 1]), torch.zeros(1, 1), torch.zeros(1, 1));
        Assert.Equal(1f, Read(action)[0]);
        Assert.True(float.IsFinite(Read(logProb)[0]));
    }

    [Fact]
    public void Discrete_SAC_value_actor_and_temperature_losses_match_hand_values()
    {
        var probs = torch.tensor(new float[] { 0.5f, 0.5f }, [1, 2]);
        var logProbs = probs.log();
        var minQ = torch.tensor(new float[] { 1, 3 }, [1, 2]);
        var alpha = torch.tensor(1f);
        // V = Σ π (Q − α log π) = 2 + ln 2.
        Assert.Equal(2.6931471805599454, Read(DiscreteSacObjectives.NextValue(probs, logProbs, minQ, alpha))[0], 5);
        // Actor: Σ π (α log π − Q) = −ln 2 − 2.
        Assert.Equal(-2.6931471805599454, Scalar1(DiscreteSacObjectives.ActorLoss(probs, logProbs, minQ, alpha)), 5);
        // Temperature: −log α (Σ π log π + H̄) = −0.1 (−ln 2 + 0.5).
        var logAlpha = torch.tensor(new float[] { 0.1f });
        Assert.Equal(0.01931471805599453, Scalar1(DiscreteSacObjectives.TemperatureLoss(logAlpha, probs, logProbs, 0.5)), 6);
        Assert.Equal(Math.Log(2), Read(DiscreteSacObjectives.Entropy(probs, logProbs))[0], 5);
    }
}
