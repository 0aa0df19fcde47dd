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

public class FusedActorCriticTests
{
    [Fact]
    public void Fused_twin_network_computes_two_independent_mlps()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(2);
        var policy = ActorCriticPolicy.Create(new Box(-1, 1, 3), new Discrete(2), new PolicyNetworkOptions { NetArch = new NetArch([5, 4], [5, 4]), FuseNetworks = true });
        var p = policy.named_parameters().ToDictionary(kv => kv.name, kv => kv.parameter);
        var w0 = p.Single(kv => kv.Key.EndsWith("input.weight")).Value;   // [10, 3]
        var b0 = p.Single(kv => kv.Key.EndsWith("input.bias")).Value;
        var w1 = p.Single(kv => kv.Key.EndsWith("weights.0")).Value;      // [2, 5, 4]
        var b1 = p.Single(kv => kv.Key.EndsWith("biases.0")).Value;       // [2, 1, 4]
        var wa = p.Single(kv => kv.Key.EndsWith("_actionNet.weight") || kv.Key.EndsWith("actionNet.weight")).Value;
        var ba = p.Single(kv => kv.Key.EndsWith("actionNet.bias")).Value;
        var wv = p.Single(kv => kv.Key.EndsWith("valueNet.weight")).Value;
        var bv = p.Single(kv => kv.Key.EndsWith("valueNet.bias")).Value;
        var x = torch.randn(6, 3);
        Tensor Mlp(int part) =>
            ((x.matmul(w0[(part * 5)..(part * 5 + 5)].t()) + b0[(part * 5)..(part * 5 + 5)]).tanh().matmul(w1[part]) + b1[part]).tanh();
        var (head, value) = policy.forward(x);
        Close(Values(Mlp(0).matmul(wa.t()) + ba), head, 1e-5);
        Close(Values((Mlp(1).matmul(wv.t()) + bv).squeeze(-1)), value, 1e-5);
        // Each block gets only its own network's gradient: the value loss leaves the policy block untouched.
        value.sum().backward();
        Assert.Equal(0f, w1.grad![0].abs().sum().item<float>());
        Assert.True(w1.grad![1].abs().sum().item<float>() > 0);
        Assert.Equal(0f, w0.grad![..5].abs().sum().item<float>());
    }

    [Fact]
    public void Fused_blocks_are_orthogonal_per_network()
    {
        using var scope = torch.NewDisposeScope();
        var policy = ActorCriticPolicy.Create(new Box(-1, 1, 4), new Discrete(2), new PolicyNetworkOptions { FuseNetworks = true });
        var w1 = policy.named_parameters().Single(kv => kv.name.EndsWith("weights.0")).parameter;
        foreach (int part in new[] { 0, 1 })
            Close(Values(torch.eye(64) * 2), w1[part].t().matmul(w1[part]), 1e-4);
    }

    [Fact]
    public void Unfused_and_fused_policies_have_the_same_parameter_count()
    {
        using var scope = torch.NewDisposeScope();
        var obs = new Box(-1, 1, 4);
        long fused = ActorCriticPolicy.Create(obs, new Discrete(2), new PolicyNetworkOptions { FuseNetworks = true }).parameters().Sum(p => p.numel());
        long plain = ActorCriticPolicy.Create(obs, new Discrete(2), new PolicyNetworkOptions { FuseNetworks = false }).parameters().Sum(p => p.numel());
        Assert.Equal(plain, fused);
        Assert.Equal(9155, fused);
    }
}
