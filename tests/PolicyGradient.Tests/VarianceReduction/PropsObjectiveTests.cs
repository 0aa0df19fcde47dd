using PolicyGradient.VarianceReduction;
using TorchSharp;

namespace PolicyGradient.Tests.VarianceReduction;

/// <summary>PROPS's behaviour loss on hand-computed values.</summary>
[Collection("TorchGlobalState")]
public class PropsObjectiveTests
{
    [Fact]
    public void The_loss_is_the_mean_of_max_ratio_clipped_ratio_plus_lambda_kl_and_clipped_pairs_get_no_gradient()
    {
        using var scope = torch.NewDisposeScope();
        // ρ = 1.5, 0.8, 0.95 with ε = 0.1: max(ρ, clip ρ) = 1.5, 0.9, 0.95 → mean 3.35/3; KL (0.2, 0, 0.1), λ = 0.1 → + 0.01.
        var target = torch.tensor(new[] { -1.0, -0.5, -2.0 });
        var behaviour = (target + torch.tensor(new[] { Math.Log(1.5), Math.Log(0.8), Math.Log(0.95) })).detach().requires_grad_();
        var kl = torch.tensor(new[] { 0.2, 0.0, 0.1 }, requires_grad: true);
        var loss = PropsObjective.BehaviourLoss(behaviour, target, kl, clipRange: 0.1, klWeight: 0.1);
        Assert.Equal(3.35 / 3 + 0.01, loss.item<double>(), 12);
        loss.backward();
        // ∂/∂log π_φ: ρ/3 where the ratio is kept (1.5/3, 0.95/3), 0 where ρ < 1 − ε; ∂/∂KL = λ/3 each.
        var g = behaviour.grad!.data<double>().ToArray();
        Assert.Equal(0.5, g[0], 12);
        Assert.Equal(0.0, g[1], 12);
        Assert.Equal(0.95 / 3, g[2], 12);
        Assert.All(kl.grad!.data<double>().ToArray(), v => Assert.Equal(0.1 / 3, v, 12));
        Assert.Equal(1.0 / 3, PropsObjective.ClippedFraction(behaviour, target, 0.1).item<float>(), 6);
    }

    [Fact]
    public void At_the_target_policy_every_pair_pushes_its_action_down_equally()
    {
        using var scope = torch.NewDisposeScope();
        var target = torch.tensor(new[] { -0.3, -1.2, -2.5, -0.1 });
        var behaviour = target.clone().detach().requires_grad_();
        var loss = PropsObjective.BehaviourLoss(behaviour, target, torch.zeros(4), clipRange: 0.2, klWeight: 1.0);
        Assert.Equal(1.0, loss.item<double>(), 12);   // ρ = 1 everywhere, KL 0
        loss.backward();
        Assert.All(behaviour.grad!.data<double>().ToArray(), v => Assert.Equal(0.25, v, 12));   // a descent step lowers each log π_φ(a|s)
    }

    [Fact]
    public void Bad_settings_name_the_problem()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.zeros(2);
        Assert.Contains("(0, 1)", Assert.Throws<ArgumentException>(() => PropsObjective.BehaviourLoss(x, x, x, 1.5, 0.1)).Message);
        Assert.Contains(">= 0", Assert.Throws<ArgumentException>(() => PropsObjective.BehaviourLoss(x, x, x, 0.1, -1)).Message);
        Assert.Contains("one shape", Assert.Throws<ArgumentException>(() => PropsObjective.BehaviourLoss(x, torch.zeros(3), x, 0.1, 0.1)).Message);
    }
}
