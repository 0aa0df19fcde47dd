using PolicyGradient.Environments.Spaces;
using PolicyGradient.Policies;
using TorchSharp;
using Linear = TorchSharp.Modules.Linear;
using static PolicyGradient.Tests.TensorAssert;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Policies;

public class ActorCriticPolicyTests
{
    static Box CartPoleObs() => new(float.NegativeInfinity, float.PositiveInfinity, 4);

    [Fact]
    public void CartPole_policy_has_sb3s_parameter_count_and_near_uniform_initial_policy()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(0);
        var policy = ActorCriticPolicy.Create(CartPoleObs(), new Discrete(2), new PolicyNetworkOptions());
        // pi 4-64-64 + vf 4-64-64 + action head 64x2 + value head 64x1 (SB3 MlpPolicy on CartPole: 9,155)
        Assert.Equal(9155, policy.parameters().Sum(p => p.numel()));
        var (dist, value) = policy.Evaluate(torch.randn(8, 4));
        Assert.IsType<Categorical>(dist);
        Assert.Equal(new long[] { 8 }, value.shape);
        Assert.Equal(new long[] { 8 }, dist.LogProb(torch.zeros(8, 1)).shape);
        // gain 0.01 on the action head: logits near 0, entropy near ln 2
        Assert.True(dist.Entropy().min().item<float>() > MathF.Log(2) - 1e-3f);
    }

    [Fact]
    public void Predict_values_equals_the_value_from_evaluate()
    {
        using var scope = torch.NewDisposeScope();
        var policy = ActorCriticPolicy.Create(CartPoleObs(), new Discrete(3));
        var obs = torch.randn(5, 4);
        Close(Values(policy.Evaluate(obs).Value), policy.PredictValues(obs));
    }

    [Fact]
    public void Orthogonal_init_gives_scaled_orthogonal_weights_and_zero_biases()
    {
        using var scope = torch.NewDisposeScope();
        var mlp = MlpBuilder.Build(4, [8, 8], 3, Activation.ReLU);
        Initialization.Orthogonal(mlp, 2.0);
        var linears = mlp.modules().OfType<Linear>().ToList();
        Assert.Equal(3, linears.Count);
        var w = linears[1].weight!;   // 8x8
        Close(Values(torch.eye(8) * 4), w.matmul(w.t()), 1e-4);
        var w0 = linears[0].weight!;  // 8x4: orthonormal columns
        Close(Values(torch.eye(4) * 4), w0.t().matmul(w0), 1e-4);
        Assert.All(linears, l => Assert.Equal(0f, l.bias!.abs().sum().item<float>()));
        Assert.Equal(new long[] { 2, 3 }, mlp.forward(torch.zeros(2, 4)).shape);
    }

    [Fact]
    public void Discrete_observations_are_one_hot_encoded()
    {
        using var scope = torch.NewDisposeScope();
        var policy = ActorCriticPolicy.Create(new Discrete(5), new Discrete(2));
        Assert.Equal(5, policy.FeatureSize);
        Close([0, 0, 1, 0, 0, 1, 0, 0, 0, 0], policy.Features(T2(new float[,] { { 2 }, { 0 } })));
        var md = ActorCriticPolicy.Create(new MultiDiscrete(2, 3), new Discrete(2));
        Close([0, 1, 0, 0, 1], md.Features(T2(new float[,] { { 1, 2 } })));
    }

    [Fact]
    public void Box_actions_use_a_state_independent_log_std_and_predict_clips_to_the_box()
    {
        using var scope = torch.NewDisposeScope();
        var policy = ActorCriticPolicy.Create(new Box(-1, 1, 3), new Box(-0.1f, 0.1f, 2), new PolicyNetworkOptions { LogStdInit = 1.0 });
        var (dist, _) = policy.Evaluate(torch.zeros(4, 3));
        var g = Assert.IsType<DiagGaussian>(dist);
        Close(Enumerable.Repeat(1f, 8).ToArray(), g.LogStd);
        var a = policy.Predict(new float[] { 0.1f, 0.2f, 0.3f }, deterministic: false, new torch.Generator(1));
        Assert.Equal(2, a.Length);
        Assert.All(a, x => Assert.InRange(x, -0.1f, 0.1f));
        var raw = policy.Act(torch.zeros(1000, 3), deterministic: false);
        Assert.True(raw.abs().max().item<float>() > 0.1f);   // the distribution itself is not clipped
    }

    [Fact]
    public void MultiDiscrete_and_MultiBinary_actions_get_matching_distributions()
    {
        using var scope = torch.NewDisposeScope();
        var md = ActorCriticPolicy.Create(new Box(-1, 1, 2), new MultiDiscrete(3, 4));
        Assert.IsType<MultiCategorical>(md.Evaluate(torch.zeros(1, 2)).Distribution);
        var a = md.Predict(new float[] { 0, 0 }, deterministic: true);
        Assert.True(new MultiDiscrete(3, 4).Contains(a));
        var mb = ActorCriticPolicy.Create(new Box(-1, 1, 2), new MultiBinary(5));
        Assert.IsType<Bernoulli>(mb.Evaluate(torch.zeros(1, 2)).Distribution);
        Assert.True(new MultiBinary(5).Contains(mb.Predict(new float[] { 0, 0 }, deterministic: false)));
    }

    [Fact]
    public void Shared_trunk_and_deterministic_predict_give_the_mode()
    {
        using var scope = torch.NewDisposeScope();
        var policy = ActorCriticPolicy.Create(CartPoleObs(), new Discrete(4), new PolicyNetworkOptions { ShareTrunk = true, PolicyHeadGain = 5 });
        // shared 4-64-64 trunk + heads 64x4 and 64x1
        Assert.Equal(4 * 64 + 64 + 64 * 64 + 64 + 64 * 4 + 4 + 65, policy.parameters().Sum(p => p.numel()));
        var obs = new float[] { 0.3f, -0.2f, 0.1f, 0.5f };
        var mode = policy.Evaluate(torch.tensor(obs).unsqueeze(0)).Distribution.Mode().item<float>();
        Assert.Equal(mode, policy.Predict(obs, deterministic: true)[0]);
    }

    [Fact]
    public void Unsupported_action_start_is_rejected_with_a_clear_message()
    {
        var ex = Assert.Throws<ArgumentException>(() => ActorCriticPolicy.Create(CartPoleObs(), new Discrete(3, start: 1)));
        Assert.Contains("start", ex.Message);
    }
}

[Collection("TorchGlobalState")]
public class FusedActorCriticTests
{
    [Fact]
    public void Fuse_networks_true_is_a_clear_error_naming_the_key_and_the_fix()
    {
        var e = Assert.Throws<ArgumentException>(() => ActorCriticPolicy.Create(new Box(-1, 1, 4), new Discrete(2), new PolicyNetworkOptions { FuseNetworks = true }));
        Assert.Contains("policy.fuse_networks was removed", e.Message);
        Assert.Contains("remove the key", e.Message);
        var viaPpo = Assert.Throws<ArgumentException>(() => new PolicyGradient.Algorithms.Ppo("CartPole-v1", new PolicyGradient.Algorithms.PpoOptions { Policy = new PolicyNetworkOptions { FuseNetworks = true } }));
        Assert.Contains("policy.fuse_networks", viaPpo.Message);
    }

    [Theory]
    [InlineData(false, new[] { 64, 64 }, new[] { 64, 64 }, false)] // stacked actor + critic
    [InlineData(false, new[] { 16 }, new[] { 8, 8 }, true)]        // unequal widths, Box actions
    [InlineData(true, new[] { 32, 32 }, new[] { 32, 32 }, false)]  // shared trunk
    [InlineData(false, new int[0], new[] { 8 }, true)]              // no actor hidden layers
    public void The_flat_forward_packs_every_parameter_and_equals_the_module(bool shareTrunk, int[] pi, int[] vf, bool box)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var policy = ActorCriticPolicy.Create(new Box(-1, 1, 4), box ? new Box(-1, 1, 2) : new Discrete(3),
            new PolicyNetworkOptions { ShareTrunk = shareTrunk, NetArch = new NetArch(pi, vf) });
        using var net = new PolicyGradient.Algorithms.OnPolicy.FusedActorCritic(policy, torch.CPU);
        Assert.Equal(policy.parameters().Sum(p => p.numel()), net.Parameters.Count);
        Assert.Equal(policy.named_parameters().Select(p => p.name).Order(), net.Parameters.Names.Order());
        using var _ = torch.no_grad();
        var x = torch.randn(5, 4);
        var (head, value) = net.Forward(x);
        var (expectedHead, expectedValue) = policy.forward(x);
        Close(Values(expectedHead), head, 1e-5);
        Close(Values(expectedValue), value, 1e-5);
        Assert.Equal(policy.ActionKind == ActionKind.Box, net.NativeLayout()!.Gaussian);
    }
}
