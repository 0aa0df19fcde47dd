using PolicyGradient.Algorithms.OffPolicy;
using PolicyGradient.Optimizers;
using PolicyGradient.Policies;
using TorchSharp;
using static PolicyGradient.Tests.Algorithms.OffPolicy.NativeOffPolicyTestNetworks;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Algorithms.OffPolicy;

/// <summary>NativeDiscreteSacStep: every network's gradient against autograd through discrete SAC's objectives written with torch ops here.</summary>
[Collection("TorchGlobalState")]
public class NativeDiscreteSacStepTests
{
    const int Obs = 4, Actions = 3, Batch = 23;
    static readonly Scalar One = 1.0.ToScalar(), Half = 0.5.ToScalar();

    static OffPolicyNetworks Networks(long seed)
    {
        var actor = MlpLayout.Create(Obs, [32, 20], Actions, Activation.ReLU);
        var c1 = MlpLayout.Create(Obs, [32, 20], Actions, Activation.ReLU);
        var c2 = c1.Next();
        var actorData = Buffer(seed, actor);
        var critic = Buffer(seed + 1, c1, c2);
        var target = Buffer(seed + 2, c1, c2);
        var logAlpha = new FlatParameters([("log_alpha", torch.tensor(new[] { -1.1f }))]);
        return new OffPolicyNetworks(actor, actorData, new FlatAdam(actorData), [c1, c2], critic, new FlatAdam(critic), target,
            LogAlpha: logAlpha, AlphaOptimizer: new FlatAdam(logAlpha));
    }

    static Tensor Critics(OffPolicyNetworks n, Tensor data, Tensor obs) =>
        torch.stack(n.CriticLayouts.Select(l => Forward(l, data, obs)).ToArray(), 1); // [B, 2, A]

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Every_networks_gradient_equals_autograd_through_the_discrete_sac_objectives(int threads)
    {
        using var scope = torch.NewDisposeScope();
        var n = Networks(31);
        using var batch = NativeSacStepTests.Batch_(7, Obs, 1, Batch);
        batch.Actions.copy_(torch.randint(Actions, new long[] { Batch, 1 }, generator: new torch.Generator(2)).to_type(ScalarType.Float32));
        var actor0 = n.Actor.Data.detach().clone();
        var critic0 = n.Critic.Data.detach().clone();
        var target0 = n.CriticTarget.Data.detach().clone();
        var logAlpha0 = n.LogAlpha!.Data.detach().clone();
        double targetEntropy = 0.98 * Math.Log(Actions);
        using var step = new NativeDiscreteSacStep(n, new SacStepSettings(0.005, targetEntropy, null, 1), Batch, threads);
        var metrics = step.Step(batch, torch.empty(0), 1, 3e-4);

        var logPi = torch.nn.functional.log_softmax(Forward(n.ActorLayout, actor0, batch.Observations), 1);
        var la = logAlpha0.clone().requires_grad_(true);
        var negEntropy = logPi.exp().mul(logPi).sum(1);
        var alphaLoss = negEntropy.add(targetEntropy.ToScalar(), One).mul(la.reshape([])).mean().neg();
        alphaLoss.backward();
        AssertClose(Floats(n.LogAlpha.Grad), Array(la.grad!), 1e-5, "log α gradient");
        Assert.Equal(alphaLoss.item<float>(), metrics.AlphaLoss, 1e-5);
        var alpha = logAlpha0.exp().reshape([]);

        var nextLogPi = torch.nn.functional.log_softmax(Forward(n.ActorLayout, actor0, batch.NextObservations), 1);
        var nextQ = Critics(n, target0, batch.NextObservations).amin(1);
        var value = nextLogPi.exp().mul(nextQ.sub(nextLogPi.mul(alpha))).sum(1);
        var y = batch.Rewards.add(batch.Discounts.mul(torch.ones_like(batch.Dones).sub(batch.Dones)).mul(value), One).detach();
        var c = critic0.clone().requires_grad_(true);
        var taken = batch.Actions.to_type(ScalarType.Int64);
        var q = Critics(n, c, batch.Observations).gather(2, taken.unsqueeze(1).expand(-1, 2, 1)).squeeze(2);
        var criticLoss = q.sub(y.unsqueeze(1)).pow(2.0.ToScalar()).mean([0L]).sum().mul(Half);
        criticLoss.backward();
        AssertClose(Floats(n.Critic.Grad), Array(c.grad!), 1e-5, "critic gradient");
        Assert.Equal(criticLoss.item<float>(), metrics.CriticLoss, 1e-4);
        Assert.Equal(q.mean().item<float>(), metrics.MeanQ, 1e-4);

        var p = actor0.clone().requires_grad_(true);
        var lp = torch.nn.functional.log_softmax(Forward(n.ActorLayout, p, batch.Observations), 1);
        var minQ = Critics(n, n.Critic.Data.detach(), batch.Observations).amin(1);
        var actorLoss = lp.exp().mul(lp.mul(alpha).sub(minQ)).sum(1).mean();
        actorLoss.backward();
        AssertClose(Floats(n.Actor.Grad), Array(p.grad!), 1e-5, "actor gradient");
        Assert.Equal(actorLoss.item<float>(), metrics.ActorLoss, 1e-4);
        Assert.Equal(-negEntropy.mean().item<float>(), metrics.Entropy, 1e-5);
        NativeSacStepTests.DisposeAll(n);
    }

    [Fact]
    public void One_and_two_threads_give_the_same_bits_over_several_steps()
    {
        float[][] Run(int threads)
        {
            var n = Networks(12);
            using var batch = NativeSacStepTests.Batch_(7, Obs, 1, 40);
            batch.Actions.copy_(torch.randint(Actions, new long[] { 40, 1 }, generator: new torch.Generator(2)).to_type(ScalarType.Float32));
            using var step = new NativeDiscreteSacStep(n, new SacStepSettings(0.01, 0.5, null, 2), 40, threads);
            for (int t = 1; t <= 4; t++) step.Step(batch, torch.empty(0), t, 1e-3);
            var result = new[] { Array(n.Actor.Data), Array(n.Critic.Data), Array(n.CriticTarget.Data), Array(n.LogAlpha!.Data) };
            NativeSacStepTests.DisposeAll(n);
            return result;
        }
        var one = Run(1);
        var two = Run(2);
        for (int i = 0; i < one.Length; i++) Assert.Equal(one[i], two[i]);
    }
}
