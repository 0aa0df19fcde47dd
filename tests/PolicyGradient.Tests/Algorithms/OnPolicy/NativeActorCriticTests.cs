using System.Runtime.InteropServices;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Estimators;
using PolicyGradient.Objectives;
using PolicyGradient.Policies;
using PolicyGradient.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Algorithms.OnPolicy;

/// <summary>The native network and PPO loss against the tensor path (the definition) and autograd.</summary>
[Collection("TorchGlobalState")]
public class NativeActorCriticTests
{
    const int Batch = 37; // odd: exercises the row remainders of the 4-row GEMM block

    static FusedActorCritic Net(Space actionSpace, PolicyNetworkOptions options, long seed)
    {
        torch.random.manual_seed(seed);
        var policy = ActorCriticPolicy.Create(new Box(-10f, 10f, 4), actionSpace, options);
        var net = new FusedActorCritic(policy, torch.CPU);
        // Orthogonal init leaves zero biases and log σ = 0: perturb every parameter so all of them matter.
        using (torch.no_grad()) net.Parameters.Data.add_(torch.randn(net.Parameters.Count).mul_(0.2));
        return net;
    }

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    public static TheoryData<string, bool, string> Networks => new()
    {
        { "discrete", false, "tanh" },   // SB3's default: separate 64-64 tanh trunks (stacked in the flat buffer)
        { "discrete", true, "relu" },    // shared trunk
        { "box", false, "relu" },
        { "box", true, "tanh" },
        { "discrete21", false, "tanh" }, // InventoryLostSales-sized head: 21 logits, wider than one AVX-512 vector
    };

    static (Space Action, PolicyNetworkOptions Options) Setup(string action, bool shared, string activation) =>
        (action == "box" ? new Box(-1f, 1f, 2) : new Discrete(action == "discrete21" ? 21 : 3),
         new PolicyNetworkOptions { ShareTrunk = shared, Activation = activation == "tanh" ? Activation.Tanh : Activation.ReLU });

    [Theory]
    [MemberData(nameof(Networks))]
    public void Forward_equals_the_fused_tensor_forward(string action, bool shared, string activation)
    {
        var (space, options) = Setup(action, shared, activation);
        using var net = Net(space, options, seed: 5);
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var x = torch.randn(Batch, 4).mul_(2);
        var (head, value) = net.Forward(x);
        var native = new NativeActorCritic(net.NativeLayout()!, Batch);
        native.Forward(Floats(net.Parameters.Data), Floats(x), Batch);
        var expectedHead = head.data<float>().ToArray();
        var expectedValue = value.data<float>().ToArray();
        var gotHead = native.Head(Batch).ToArray();
        var gotValue = native.Value(Batch).ToArray();
        for (int i = 0; i < expectedHead.Length; i++) Assert.Equal(expectedHead[i], gotHead[i], 1e-5);
        for (int i = 0; i < Batch; i++) Assert.Equal(expectedValue[i], gotValue[i], 1e-5);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Loss_metrics_and_the_whole_flat_gradient_equal_autograd_through_the_objectives(string action, bool shared, string activation)
    {
        var (space, options) = Setup(action, shared, activation);
        using var net = Net(space, options, seed: 11);
        using var scope = torch.NewDisposeScope();
        const double clip = 0.2, clipVf = 0.1, vfCoef = 0.5, entCoef = 0.01;
        var x = torch.randn(Batch, 4).mul_(2);
        var weights = net.Weights();
        Tensor actions, oldLogProbs, returns, oldValues;
        using (torch.no_grad())
        {
            var (h0, v0) = net.Forward(x, weights);
            var d0 = net.Distribution(h0, weights);
            actions = d0.Sample(new torch.Generator(3));
            // Old log-probabilities off by up to ±0.5: ratios in [0.61, 1.65], clipped on both sides of [0.8, 1.2].
            oldLogProbs = d0.LogProb(actions) + torch.rand(Batch).mul_(1.0).sub_(0.5);
            returns = v0 + torch.randn(Batch);
            oldValues = v0 + torch.rand(Batch).mul_(0.6).sub_(0.3); // |V − V_old| up to 0.3 against ε_v = 0.1
        }
        var advantages = AdvantageNormalization.Normalize(torch.randn(Batch));

        // The definition: the tensor composition of Ppo's update, differentiated by autograd.
        var (head, values) = net.Forward(x, weights);
        var dist = net.Distribution(head, weights);
        var logProbs = dist.LogProb(actions);
        var entropy = dist.Entropy().mean();
        var (surrogate, clippedMask) = ClippedSurrogateObjective.Compute(logProbs, oldLogProbs, advantages, clip, clip);
        var policyLoss = surrogate.mean();
        var valueLoss = ValueLoss.Compute(values, returns, oldValues, clipVf).mean();
        var loss = policyLoss + vfCoef * valueLoss + entCoef * EntropyBonus.Compute(entropy);
        net.Parameters.ZeroGrad();
        loss.backward();
        var expectedGrad = net.Parameters.Grad.data<float>().ToArray();
        double clipFraction = ClipFraction.Compute(clippedMask).item<float>();
        Assert.InRange(clipFraction, 0.05, 0.95); // the batch really exercises both branches
        Assert.True(ValueLoss.Compute(values, returns, oldValues, clipVf).detach().ne(ValueLoss.Compute(values, returns)).any().item<bool>());

        // The native path on the same numbers.
        var layout = net.NativeLayout()!;
        var native = new NativeActorCritic(layout, Batch);
        var theta = Floats(net.Parameters.Data).ToArray();
        var xs = Floats(x).ToArray();
        native.Forward(theta, xs, Batch);
        int k = layout.Head.Outputs;
        var dHead = new float[Batch * k]; var dValue = new float[Batch]; var dLogStd = new float[k];
        var logStd = layout.Gaussian ? theta.AsSpan(layout.LogStdOffset, k) : Span<float>.Empty;
        var terms = NativePpoLoss.Compute(native.Head(Batch), k, layout.Gaussian, logStd, native.Value(Batch),
            Floats(actions.contiguous()).ToArray(), Floats(oldLogProbs).ToArray(), Floats(advantages).ToArray(),
            Floats(returns).ToArray(), Floats(oldValues).ToArray(), Batch, clip, clipVf, vfCoef, entCoef, dHead, dValue, dLogStd);
        var grad = new float[layout.ParameterCount];
        native.Backward(theta, xs, Batch, dHead, dValue, grad);
        if (layout.Gaussian) dLogStd.CopyTo(grad.AsSpan(layout.LogStdOffset));

        Assert.Equal(policyLoss.item<float>(), terms.PolicyLoss, 1e-5);
        Assert.Equal(valueLoss.item<float>(), terms.ValueLoss, 1e-4);
        Assert.Equal(entropy.item<float>(), terms.Entropy, 1e-5);
        Assert.Equal(KlEstimators.ApproxKl(oldLogProbs, logProbs.detach()).mean().item<float>(), terms.ApproxKl, 1e-6);
        Assert.Equal(clipFraction, terms.ClipFraction, 1e-6);
        double scale = expectedGrad.Max(Math.Abs);
        for (int i = 0; i < grad.Length; i++)
            Assert.True(Math.Abs(grad[i] - expectedGrad[i]) <= 1e-5 * scale + 1e-7,
                $"∂L/∂θ[{i}]: native {grad[i]}, autograd {expectedGrad[i]} (max |g| {scale})");
    }

    [Fact]
    public void Adam_step_and_grad_norm_clip_equal_the_flat_tensor_optimizer()
    {
        using var scope = torch.NewDisposeScope();
        torch.random.manual_seed(2);
        using var flat = new FlatParameters([("w", torch.randn(131))]);
        var adam = new FlatAdam(flat, epsilon: 1e-5);
        var theta = Floats(flat.Data).ToArray();
        var m = new float[131]; var v = new float[131];
        for (int step = 1; step <= 3; step++)
        {
            var g = torch.randn(131).mul_(step);
            flat.Grad.copy_(g);
            var grad = Floats(g).ToArray();
            float expectedNorm = flat.ClipGradNorm(0.5).item<float>();
            adam.Step(1e-3);
            Assert.Equal(expectedNorm, NativeAdam.ClipGradNorm(grad, 0.5), 1e-4);
            NativeAdam.Step(theta, grad, m, v, step, adam.Beta1, adam.Beta2, adam.Epsilon, 1e-3);
        }
        var expected = Floats(flat.Data).ToArray();
        var expectedM = Floats(adam.ExpAvg).ToArray();
        var expectedV = Floats(adam.ExpAvgSq).ToArray();
        for (int i = 0; i < 131; i++)
        {
            Assert.Equal(expected[i], theta[i], 1e-6);
            Assert.Equal(expectedM[i], m[i], 1e-6);
            Assert.Equal(expectedV[i], v[i], 1e-6);
        }
    }

    [Fact]
    public void Advantage_normalization_equals_the_tensor_function()
    {
        using var scope = torch.NewDisposeScope();
        torch.random.manual_seed(4);
        var a = torch.randn(57).mul_(3).add_(1);
        var expected = AdvantageNormalization.Normalize(a).data<float>().ToArray();
        var got = Floats(a).ToArray();
        NativeAdvantageNormalization.Normalize(got);
        for (int i = 0; i < got.Length; i++) Assert.Equal(expected[i], got[i], 1e-5);
    }

    [Fact]
    public void Unsupported_networks_have_no_native_layout()
    {
        using var net = Net(new Discrete(3), new PolicyNetworkOptions { Activation = Activation.GELU }, seed: 1);
        Assert.Null(net.NativeLayout());
    }
}
