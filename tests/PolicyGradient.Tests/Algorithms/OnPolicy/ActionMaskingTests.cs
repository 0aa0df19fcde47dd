using System.Runtime.InteropServices;
using PolicyGradient.Algorithms;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Estimators;
using PolicyGradient.Objectives;
using PolicyGradient.Policies;
using PolicyGradient.Core;
using PolicyGradient.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Algorithms.OnPolicy;

/// <summary>Invalid action masking: the native kernels against autograd through the masked Categorical, and end to end.</summary>
[Collection("TorchGlobalState")]
public class ActionMaskingTests
{
    const int Batch = 37;
    const int Actions = 6;

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    static FusedActorCritic Net(long seed, bool shared)
    {
        torch.random.manual_seed(seed);
        var policy = ActorCriticPolicy.Create(new Box(-10f, 10f, 4), new Discrete(Actions), new PolicyNetworkOptions { ShareTrunk = shared });
        var net = new FusedActorCritic(policy, torch.CPU);
        using (torch.no_grad()) net.Parameters.Data.add_(torch.randn(net.Parameters.Count).mul_(0.3));
        return net;
    }

    /// <summary>Random masks [B, k] with at least one allowed action per row (about half masked).</summary>
    static Tensor RandomMasks(long seed)
    {
        var g = new torch.Generator((ulong)seed);
        var m = torch.rand([Batch, Actions], generator: g).lt(0.5.ToScalar());
        var forced = torch.randint(Actions, [Batch], generator: g);
        return m.scatter(1, forced.unsqueeze(1), torch.ones([Batch, 1], ScalarType.Bool));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Masked_ppo_gradient_equals_autograd_through_the_masked_categorical(bool shared)
    {
        using var net = Net(13, shared);
        using var scope = torch.NewDisposeScope();
        const double clip = 0.2, vfCoef = 0.5, entCoef = 0.01;
        var x = torch.randn(Batch, 4).mul_(2);
        var masks = RandomMasks(7);
        var weights = net.Weights();
        Tensor actions, oldLogProbs, returns;
        using (torch.no_grad())
        {
            var (h0, v0) = net.Forward(x, weights);
            var d0 = net.Distribution(h0, weights, masks);
            actions = d0.Sample(new torch.Generator(3));
            oldLogProbs = d0.LogProb(actions) + torch.rand(Batch).mul_(1.0).sub_(0.5);
            returns = v0 + torch.randn(Batch);
        }
        var advantages = AdvantageNormalization.Normalize(torch.randn(Batch));
        var (head, values) = net.Forward(x, weights);
        var dist = net.Distribution(head, weights, masks);
        var logProbs = dist.LogProb(actions);
        var entropy = dist.Entropy().mean();
        var (surrogate, _) = ClippedSurrogateObjective.Compute(logProbs, oldLogProbs, advantages, clip, clip);
        var policyLoss = surrogate.mean();
        var valueLoss = ValueLoss.Compute(values, returns, null, null).mean();
        var loss = policyLoss + vfCoef * valueLoss + entCoef * EntropyBonus.Compute(entropy);
        net.Parameters.ZeroGrad();
        loss.backward();
        var expectedGrad = net.Parameters.Grad.data<float>().ToArray();
        Assert.All(expectedGrad, g => Assert.True(float.IsFinite(g)));

        var layout = net.NativeLayout()!;
        var native = new NativeActorCritic(layout, Batch);
        var theta = Floats(net.Parameters.Data).ToArray();
        var xs = Floats(x).ToArray();
        native.Forward(theta, xs, Batch);
        native.MaskHead(Batch, Floats(masks.to_type(ScalarType.Float32)).ToArray());
        var dHead = new float[Batch * Actions]; var dValue = new float[Batch];
        var terms = NativePpoLoss.Compute(native.Head(Batch), Actions, false, default, native.Value(Batch),
            Floats(actions.contiguous()).ToArray(), Floats(oldLogProbs).ToArray(), Floats(advantages).ToArray(),
            Floats(returns).ToArray(), Floats(returns).ToArray(), Batch, clip, null, vfCoef, entCoef, dHead, dValue, []);
        var grad = new float[layout.ParameterCount];
        native.Backward(theta, xs, Batch, dHead, dValue, grad);

        Assert.Equal(policyLoss.item<float>(), terms.PolicyLoss, 1e-5);
        Assert.Equal(entropy.item<float>(), terms.Entropy, 1e-5);
        // The masked entropy is below the unmasked one: the mask really changed the distribution.
        Assert.True(terms.Entropy < net.Distribution(head, weights).Entropy().mean().item<float>() - 0.1);
        double scale = expectedGrad.Max(Math.Abs);
        for (int i = 0; i < grad.Length; i++)
            Assert.True(Math.Abs(grad[i] - expectedGrad[i]) <= 1e-5 * scale + 1e-7, $"∂L/∂θ[{i}]: native {grad[i]}, autograd {expectedGrad[i]}");
    }

    [Fact]
    public void Native_categorical_sample_never_draws_a_masked_action_even_at_u_near_one()
    {
        float[] z = [0.3f, 2f, -1f, 0.5f, 1f];
        float[] mask = [1f, 0f, 1f, 0f, 0f]; // the last classes masked: the rounding fallback must not land on them
        NativeDistribution.MaskLogits(z, mask);
        foreach (float u in new[] { 0f, 0.25f, 0.5f, 0.9f, 0.99999994f })
        {
            int a = NativeDistribution.CategoricalSample(z, u, out float logProb);
            Assert.True(mask[a] == 1f, $"u = {u} drew masked action {a}");
            Assert.True(float.IsFinite(logProb));
        }
    }

    [Fact]
    public void Masked_multi_categorical_gives_masked_choices_zero_probability()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.randn(5, 7);
        var mask = torch.ones(5, 7, ScalarType.Bool);
        mask[.., 1] = torch.tensor(false); mask[.., 4] = torch.tensor(false); // dimension 0: {0, 2}; dimension 1: {3, 5, 6}
        var dist = new MultiCategorical(logits, [3, 4], mask);
        var drawn = dist.Sample(new torch.Generator(1)).data<float>().ToArray();
        for (int i = 0; i < 5; i++)
        {
            Assert.NotEqual(1f, drawn[i * 2]);
            Assert.NotEqual(1f, drawn[i * 2 + 1]); // block 1 index 1 is column 4
        }
        Assert.True(dist.Parts[0].Probs[.., 1].eq(0.0.ToScalar()).all().item<bool>());
        Assert.True(float.IsFinite(dist.Entropy().sum().item<float>()));
    }

    public static TheoryData<string, ComputeBackend> Learners => new()
    {
        { "ppo", ComputeBackend.Native }, { "ppo", ComputeBackend.LibTorch },
        { "a2c", ComputeBackend.Native }, { "a2c", ComputeBackend.LibTorch },
        { "reinforce", ComputeBackend.Native }, { "reinforce", ComputeBackend.LibTorch },
    };

    [Theory]
    [MemberData(nameof(Learners))]
    public void Masked_learners_never_select_an_invalid_action_in_training_or_prediction(string algorithm, ComputeBackend backend)
    {
        var env = MaskedToyEnv.Vector(new Discrete(Actions), 4);
        using IAlgorithm learner = algorithm switch
        {
            "ppo" => new Ppo(env, new PpoOptions { NSteps = 64, BatchSize = 64, NEpochs = 4, LearningRate = 3e-3, Backend = backend }, seed: 3),
            "a2c" => new A2c(env, new A2cOptions { NSteps = 8, Backend = backend }, seed: 3),
            _ => new Reinforce(env, new ReinforceOptions { NSteps = 64, Backend = backend }, seed: 3),
        };
        Assert.Equal(backend == ComputeBackend.Native ? "native" : "libtorch", ((dynamic)learner).Backend);
        learner.Learn(6_000);
        Assert.True(env.Envs.Sum(e => ((MaskedToyEnv)e.Unwrapped).Steps) >= 6_000);
        Assert.Equal(0, MaskedToyEnv.TotalViolations(env));

        // Evaluation (and pg eval) hands the policy the env's masks: stochastic and greedy actions stay valid.
        using var evalEnv = MaskedToyEnv.Masked(new Discrete(Actions));
        Evaluator.Evaluate(learner, evalEnv, 20, seed: 9, deterministic: false);
        Evaluator.Evaluate(learner, evalEnv, 20, seed: 9, deterministic: true);
        Assert.Equal(0, ((MaskedToyEnv)evalEnv.Unwrapped).Violations);
    }

    [Fact]
    public void Masked_ppo_on_multi_discrete_actions_never_selects_an_invalid_choice()
    {
        var space = new MultiDiscrete(3, 4);
        var env = MaskedToyEnv.Vector(space, 2);
        using var ppo = new Ppo(env, new PpoOptions { NSteps = 64, BatchSize = 32, NEpochs = 2 }, seed: 1);
        Assert.Equal("libtorch", ppo.Backend); // the native kernels take Discrete and Box heads
        ppo.Learn(1_500);
        Assert.Equal(0, MaskedToyEnv.TotalViolations(env));
    }

    [Fact]
    public void Trpo_and_the_off_policy_algorithms_refuse_masked_envs_clearly()
    {
        var e1 = Assert.Throws<ArgumentException>(() => new Trpo(MaskedToyEnv.Vector(new Discrete(Actions), 2)));
        Assert.Contains("action masks", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => new Sac(MaskedToyEnv.Vector(new Discrete(Actions), 1)));
        Assert.Contains("action masks", e2.Message);
    }

    [Fact]
    public void Unmasked_ppo_does_select_invalid_actions_on_the_same_env()
    {
        // The control for the zero-violation tests: without the mask the same policy hits forbidden actions.
        var env = new PolicyGradient.Environments.Vector.SyncVectorEnv(_ => new MaskedToyEnv(new Discrete(Actions)), 2);
        using var ppo = new Ppo(env, new PpoOptions { NSteps = 64, BatchSize = 64, NEpochs = 2 }, seed: 3);
        ppo.Learn(500);
        Assert.True(env.Envs.Sum(e => ((MaskedToyEnv)e).Violations) > 50);
    }
}
