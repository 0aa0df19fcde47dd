using System.Runtime.InteropServices;
using PolicyGradient.Algorithms;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Core;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Objectives;
using PolicyGradient.Policies;
using PolicyGradient.Training.Configuration;
using TorchSharp;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Algorithms.OnPolicy;

/// <summary>A2C's native backend against its tensor path (the definition) and autograd.</summary>
[Collection("TorchGlobalState")]
public class NativeA2cTests
{
    const int Batch = 29;

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    static FusedActorCritic Net(Space actionSpace, bool shared, long seed)
    {
        torch.random.manual_seed(seed);
        var policy = ActorCriticPolicy.Create(new Box(-10f, 10f, 4), actionSpace, new PolicyNetworkOptions { ShareTrunk = shared });
        var net = new FusedActorCritic(policy, torch.CPU);
        // Orthogonal init leaves zero biases and log σ = 0: perturb every parameter so all of them matter.
        using (torch.no_grad()) net.Parameters.Data.add_(torch.randn(net.Parameters.Count).mul_(0.2));
        return net;
    }

    [Theory]
    [InlineData("discrete", false, false)]
    [InlineData("discrete", true, true)]   // shared trunk, masked mean (REINFORCE's row weights)
    [InlineData("box", false, true)]
    [InlineData("box", true, false)]
    public void The_loss_and_the_whole_flat_gradient_equal_autograd_through_the_objectives(string action, bool shared, bool masked)
    {
        using var net = Net(action == "box" ? new Box(-1f, 1f, 2) : new Discrete(3), shared, seed: 7);
        using var scope = torch.NewDisposeScope();
        const double vfCoef = 0.5, entCoef = 0.01;
        var x = torch.randn(Batch, 4).mul_(2);
        var weights = net.Weights();
        Tensor actions, returns;
        using (torch.no_grad())
        {
            var (h0, v0) = net.Forward(x, weights);
            actions = net.Distribution(h0, weights).Sample(new torch.Generator(3));
            returns = v0 + torch.randn(Batch);
        }
        var advantages = torch.randn(Batch);
        var mask = masked ? torch.rand(Batch).gt(0.3).to_type(ScalarType.Float32) : torch.ones(Batch);
        var count = mask.sum();

        // The definition: A2C's tensor composition (masked mean as REINFORCE aggregates), by autograd.
        var (head, values) = net.Forward(x, weights);
        var dist = net.Distribution(head, weights);
        var policyLoss = (PolicyGradientLoss.Compute(dist.LogProb(actions), advantages) * mask).sum() / count;
        var valueLoss = (ValueLoss.Compute(values, returns) * mask).sum() / count;
        var entropy = (dist.Entropy() * mask).sum() / count;
        var loss = policyLoss + vfCoef * valueLoss + entCoef * EntropyBonus.Compute(entropy);
        net.Parameters.ZeroGrad();
        loss.backward();
        var expectedGrad = net.Parameters.Grad.data<float>().ToArray();

        var layout = net.NativeLayout()!;
        var native = new NativeActorCritic(layout, Batch);
        var theta = Floats(net.Parameters.Data).ToArray();
        var xs = Floats(x).ToArray();
        native.Forward(theta, xs, Batch);
        int k = layout.Head.Outputs;
        var dHead = new float[Batch * k]; var dValue = new float[Batch]; var dLogStd = new float[k];
        var logStd = layout.Gaussian ? theta.AsSpan(layout.LogStdOffset, k) : Span<float>.Empty;
        var rowWeights = masked ? Floats(mask / count).ToArray() : [];
        var terms = NativePolicyGradientLoss.Compute(native.Head(Batch), k, layout.Gaussian, logStd, native.Value(Batch),
            Floats(actions.contiguous()).ToArray(), Floats(advantages).ToArray(), Floats(returns).ToArray(), rowWeights,
            Batch, vfCoef, entCoef, dHead, dValue, dLogStd);
        var grad = new float[layout.ParameterCount];
        native.Backward(theta, xs, Batch, dHead, dValue, grad);
        if (layout.Gaussian) dLogStd.CopyTo(grad.AsSpan(layout.LogStdOffset));

        Assert.Equal(policyLoss.item<float>(), terms.PolicyLoss, 1e-5);
        Assert.Equal(valueLoss.item<float>(), terms.ValueLoss, 1e-4);
        Assert.Equal(entropy.item<float>(), terms.Entropy, 1e-5);
        double scale = expectedGrad.Max(Math.Abs);
        for (int i = 0; i < grad.Length; i++)
            Assert.True(Math.Abs(grad[i] - expectedGrad[i]) <= 1e-5 * scale + 1e-7,
                $"∂L/∂θ[{i}]: native {grad[i]}, autograd {expectedGrad[i]} (max |g| {scale})");
    }

    /// <summary>Copies the rollout (and generator state) the first algorithm ended its rollout with into the second before its update.</summary>
    sealed class RolloutRelay : ITrainingCallback
    {
        public Tensor[]? Saved;
        public OnPolicyCore? Target;
        public Dictionary<string, double>? Metrics;

        static Tensor[] Parts(OnPolicyCore core)
        {
            var b = core.Buffer;
            return [b.Observations, b.Actions, b.LogProbs, b.Values, b.NextValues, b.Rewards, b.Terminated, b.Dones];
        }

        public void OnRolloutEnd(IAlgorithm algorithm)
        {
            var core = ((ISavableAlgorithm)algorithm).Core;
            // The generator too: the two rollouts drew different amounts of noise, and TRPO's critic shuffles with it.
            if (Target is null) { Saved = Parts(core).Select(t => t.clone()).Append(core.Generator.get_state()).ToArray(); return; }
            var parts = Parts(Target);
            using (torch.no_grad()) for (int i = 0; i < parts.Length; i++) parts[i].copy_(Saved![i]);
            Target.Generator.set_state(Saved![^1]);
        }

        public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics) { Metrics = metrics.Values; return true; }
    }

    [Theory]
    [InlineData("CartPole-v1", true, false, 0.0)]
    [InlineData("CartPole-v1", false, true, 0.01)] // Adam, normalized advantages, entropy bonus
    [InlineData("Pendulum-v1", true, true, 0.01)]
    [InlineData("Pendulum-v1", false, false, 0.0)]
    public void One_native_update_equals_the_libtorch_update(string env, bool rmsProp, bool normalize, double entCoef)
    {
        OneThread();
        var options = new A2cOptions { NEnvs = 4, NSteps = 8, UseRmsProp = rmsProp, NormalizeAdvantage = normalize, EntCoef = entCoef };
        using var reference = new A2c(env, options with { Backend = ComputeBackend.LibTorch }, seed: 4);
        using var native = new A2c(env, options with { Backend = ComputeBackend.Native }, seed: 4);
        Assert.Equal("libtorch", reference.Backend);
        Assert.Equal("native", native.Backend);
        var initial = Weights(native);
        AssertClose(Weights(reference), initial, 0);

        var relay = new RolloutRelay();
        reference.Learn(32, relay);
        var expected = relay.Metrics!;
        relay.Target = ((ISavableAlgorithm)native).Core;
        native.Learn(32, relay);
        var got = relay.Metrics!;

        var after = Weights(native);
        Assert.Contains(after, kv => !kv.Value.SequenceEqual(initial[kv.Key])); // the step moved the weights
        AssertClose(Weights(reference), after, 1e-5);
        foreach (var key in new[] { "policy_loss", "value_loss", "entropy", "grad_norm", "explained_variance" })
            Assert.True(Math.Abs(expected[key] - got[key]) <= 1e-4 * Math.Max(1, Math.Abs(expected[key])), $"{key}: libtorch {expected[key]}, native {got[key]}");
        using var a = reference.CaptureState();
        using var b = native.CaptureState();
        var optimizerState = a.Tensors.Keys.Where(k => k.StartsWith("optimizer.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(optimizerState);
        foreach (var key in optimizerState)
            AssertClose(new() { [key] = a.Tensors[key].data<float>().ToArray() }, new() { [key] = b.Tensors[key].data<float>().ToArray() }, 1e-5);
    }

    public static TheoryData<string, string> OtherAlgorithms => new()
    {
        { "reinforce", "CartPole-v1" }, { "reinforce-mean", "Pendulum-v1" }, { "reinforce-none", "CartPole-v1" },
        { "trpo", "CartPole-v1" }, { "trpo", "Pendulum-v1" },
    };

    static IAlgorithm Make(string algorithm, string env, ComputeBackend backend) => algorithm switch
    {
        // n_steps 256 lets Pendulum (200-step time limit) complete episodes inside the rollout.
        "reinforce" => new Reinforce(env, new ReinforceOptions { NEnvs = 2, NSteps = 256, EntCoef = 0.01, Backend = backend }, seed: 5),
        "reinforce-mean" => new Reinforce(env, new ReinforceOptions { NEnvs = 2, NSteps = 256, Baseline = ReinforceBaseline.RunningMean, Backend = backend }, seed: 5),
        "reinforce-none" => new Reinforce(env, new ReinforceOptions { NEnvs = 2, NSteps = 256, Baseline = ReinforceBaseline.None, NormalizeAdvantage = false, Backend = backend }, seed: 5),
        _ => new Trpo(env, new TrpoOptions { NEnvs = 2, NSteps = 128, BatchSize = 64, NCriticUpdates = 3, Backend = backend }, seed: 5),
    };

    [Theory]
    [MemberData(nameof(OtherAlgorithms))]
    public void One_native_reinforce_or_trpo_update_equals_the_libtorch_update(string algorithm, string env)
    {
        OneThread();
        using var reference = Make(algorithm, env, ComputeBackend.LibTorch);
        using var native = Make(algorithm, env, ComputeBackend.Native);
        Assert.Equal("native", native.Backend);
        var initial = Weights(native);
        var relay = new RolloutRelay();
        var core = ((ISavableAlgorithm)native).Core;
        int oneRollout = core.Buffer.NumSteps * core.Buffer.NumEnvs;
        reference.Learn(oneRollout, relay);
        var expected = relay.Metrics!;
        relay.Target = core;
        native.Learn(oneRollout, relay);
        var got = relay.Metrics!;
        var after = Weights(native);
        Assert.Contains(after, kv => !kv.Value.SequenceEqual(initial[kv.Key]));
        AssertClose(Weights(reference), after, 1e-5);
        if (algorithm == "trpo")
        {
            // The native trust-region step (Fisher products by forward mode, CG, line search) took the same step.
            Assert.Equal(1.0, expected["line_search_success"]);
            Assert.Equal(expected["line_search_evaluations"], got["line_search_evaluations"]);
            Assert.True(got["approx_kl"] > 0);
        }
        foreach (var (key, value) in expected.Where(kv => kv.Key is "policy_loss" or "value_loss" or "entropy" or "grad_norm" or "baseline" or "approx_kl" or "policy_objective" or "step_fraction"))
            Assert.True(Math.Abs(value - got[key]) <= 1e-4 * Math.Max(1, Math.Abs(value)), $"{key}: libtorch {value}, native {got[key]}");
    }

    // |native − libtorch| ≤ relative · max |θ| over all parameters, entry by entry.
    static void AssertClose(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual, double relative)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        double scale = expected.Values.Max(e => e.Max(Math.Abs));
        foreach (var (key, e) in expected)
        {
            var a = actual[key];
            for (int i = 0; i < e.Length; i++)
                Assert.True(Math.Abs(e[i] - a[i]) <= relative * scale, $"{key}[{i}]: libtorch {e[i]}, native {a[i]} (max |θ| {scale})");
        }
    }

    [Fact]
    public void Backend_auto_is_native_for_a_cpu_mlp_and_the_key_binds()
    {
        using var mlp = new A2c("CartPole-v1", new A2cOptions { NEnvs = 2 });
        Assert.Equal("native", mlp.Backend);
        using var gelu = new A2c("CartPole-v1", new A2cOptions { NEnvs = 2, Policy = new PolicyNetworkOptions { Activation = Activation.GELU } });
        Assert.Equal("libtorch", gelu.Backend);
        var e = Assert.Throws<ArgumentException>(() => new A2c("CartPole-v1", new A2cOptions { Backend = ComputeBackend.Native, Policy = new PolicyNetworkOptions { Activation = Activation.SiLU } }));
        Assert.Contains("backend=auto", e.Message);
        Assert.Equal(ComputeBackend.LibTorch, ConfigBinder.Bind<A2cOptions>([ConfigLayer.FromSetFlags(["backend=libtorch"])]).Backend);
    }
}
