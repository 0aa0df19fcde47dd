using PolicyGradient.Algorithms.OffPolicy;
using PolicyGradient.Buffers;
using PolicyGradient.Optimizers;
using PolicyGradient.Policies;
using TorchSharp;
using static PolicyGradient.Tests.Algorithms.OffPolicy.NativeOffPolicyTestNetworks;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Algorithms.OffPolicy;

/// <summary>NativeSacStep: every network's gradient against autograd through SAC's objectives written with torch ops here.</summary>
[Collection("TorchGlobalState")]
public class NativeSacStepTests
{
    const int Obs = 3, Act = 2, Batch = 19;
    static readonly Scalar LogStdMin = (-20.0).ToScalar(), LogStdMax = 2.0.ToScalar(), MinusHalf = (-0.5).ToScalar(),
        HalfLog2Pi = (0.5 * Math.Log(2 * Math.PI)).ToScalar(), Eps = 1e-6.ToScalar(), One = 1.0.ToScalar(), Half = 0.5.ToScalar();

    internal static OffPolicyNetworks Networks(int[] hidden, long seed, bool learnedAlpha = true)
    {
        var actor = MlpLayout.Create(Obs, hidden, 2 * Act, Activation.ReLU);
        var c1 = MlpLayout.Create(Obs + Act, hidden, 1, Activation.ReLU);
        var c2 = c1.Next();
        var actorData = Buffer(seed, actor);
        // A small output layer, as after SB3's init: |u| stays well inside tanh's range. (Where tanh saturates,
        // 1 − ã² keeps few digits in float32 and any two implementations differ by more than 1e-5 there.)
        var last = actor.Layers[^1];
        using (torch.no_grad()) actorData.Data.narrow(0, last.WeightOffset, last.BiasOffset + last.Outputs - last.WeightOffset).mul_(0.2.ToScalar());
        var critic = Buffer(seed + 1, c1, c2);
        var target = Buffer(seed + 2, c1, c2);
        FlatParameters? logAlpha = learnedAlpha ? new FlatParameters([("log_alpha", torch.tensor(new[] { -0.4f }))]) : null;
        return new OffPolicyNetworks(actor, actorData, new FlatAdam(actorData), [c1, c2], critic, new FlatAdam(critic), target,
            LogAlpha: logAlpha, AlphaOptimizer: logAlpha is null ? null : new FlatAdam(logAlpha));
    }

    internal static ReplayBatch Batch_(long seed, int obs = Obs, int act = Act, int batch = Batch)
    {
        var b = new ReplayBatch(batch, obs, act);
        var gen = new torch.Generator((ulong)seed);
        using var scope = torch.NewDisposeScope();
        b.Observations.copy_(torch.randn(new long[] { batch, obs }, generator: gen));
        b.NextObservations.copy_(torch.randn(new long[] { batch, obs }, generator: gen));
        b.Actions.copy_(torch.rand(new long[] { batch, act }, generator: gen).mul_(1.8).sub_(0.9));
        b.Rewards.copy_(torch.randn(new long[] { batch }, generator: gen));
        b.Dones.copy_(torch.rand(new long[] { batch }, generator: gen).gt(0.7).to_type(ScalarType.Float32));
        b.Discounts.fill_(0.99);
        return b;
    }

    static (Tensor Action, Tensor LogProb) Sample(MlpLayout layout, Tensor actor, Tensor x, Tensor eps)
    {
        var output = Forward(layout, actor, x);
        var mean = output.narrow(1, 0, Act);
        var logStd = output.narrow(1, Act, Act).clamp(LogStdMin, LogStdMax);
        var u = mean.add(logStd.exp().mul(eps), One);
        var a = u.tanh();
        var gaussian = eps.pow(2.0.ToScalar()).mul(MinusHalf).sub(logStd).sub(HalfLog2Pi).sum(1);
        var correction = torch.ones_like(a).sub(a.pow(2.0.ToScalar())).add(Eps, One).log().sum(1);
        return (a, gaussian.sub(correction));
    }

    static Tensor Critics(OffPolicyNetworks n, Tensor data, Tensor input) =>
        torch.cat(n.CriticLayouts.Select(l => Forward(l, data, input)).ToArray(), 1);

    [Theory]
    [InlineData(new[] { 32, 20 }, 1)]
    [InlineData(new[] { 32, 20 }, 2)]
    [InlineData(new[] { 17 }, 2)]
    public void Every_networks_gradient_equals_autograd_through_the_sac_objectives(int[] hidden, int threads)
    {
        using var scope = torch.NewDisposeScope();
        var n = Networks(hidden, 21);
        using var batch = Batch_(4);
        var noise = torch.randn(new long[] { 2, Batch, Act }, generator: new torch.Generator(9));
        var actor0 = n.Actor.Data.detach().clone();
        var critic0 = n.Critic.Data.detach().clone();
        var target0 = n.CriticTarget.Data.detach().clone();
        var logAlpha0 = n.LogAlpha!.Data.detach().clone();
        const double targetEntropy = -2.0;
        using var step = new NativeSacStep(n, new SacStepSettings(0.005, targetEntropy, null, 1), Batch, threads);
        var metrics = step.Step(batch, noise, 1, 3e-4);

        // Temperature: −mean(log α·(log π + H̄)) with log π at the initial actor.
        var la = logAlpha0.clone().requires_grad_(true);
        var (_, logPi) = Sample(n.ActorLayout, actor0, batch.Observations, noise[0]);
        var alphaLoss = logPi.detach().add(targetEntropy.ToScalar(), One).mul(la.reshape([])).mean().neg();
        alphaLoss.backward();
        AssertClose(Floats(n.LogAlpha.Grad), Array(la.grad!), 1e-5, "log α gradient");
        Assert.Equal(alphaLoss.item<float>(), metrics.AlphaLoss, 1e-5);
        var alpha = logAlpha0.exp().reshape([]);
        Assert.Equal(alpha.item<float>(), metrics.Alpha, 1e-6);

        // Critics: ½ Σ_i mean (Q_i(s, a) − y)², y from the target critics at s' and the initial actor.
        var (a2, logPi2) = Sample(n.ActorLayout, actor0, batch.NextObservations, noise[1]);
        var nextQ = Critics(n, target0, torch.cat([batch.NextObservations, a2], 1)).amin(1);
        var y = batch.Rewards.add(batch.Discounts.mul(torch.ones_like(batch.Dones).sub(batch.Dones)).mul(nextQ.sub(logPi2.mul(alpha))), One).detach();
        var c = critic0.clone().requires_grad_(true);
        var q = Critics(n, c, torch.cat([batch.Observations, batch.Actions], 1));
        var criticLoss = q.sub(y.unsqueeze(1)).pow(2.0.ToScalar()).mean([0L]).sum().mul(Half);
        criticLoss.backward();
        AssertClose(Floats(n.Critic.Grad), Array(c.grad!), 1e-5, "critic gradient");
        Assert.Equal(criticLoss.item<float>(), metrics.CriticLoss, 1e-4);
        Assert.Equal(q.mean().item<float>(), metrics.MeanQ, 1e-4);

        // Actor: mean(α log π − min_i Q_i(s, ã)) through the critics after their Adam step.
        var p = actor0.clone().requires_grad_(true);
        var (aPi, logPiPi) = Sample(n.ActorLayout, p, batch.Observations, noise[0]);
        var qPi = Critics(n, n.Critic.Data.detach(), torch.cat([batch.Observations, aPi], 1)).amin(1);
        var actorLoss = logPiPi.mul(alpha).sub(qPi).mean();
        actorLoss.backward();
        AssertClose(Floats(n.Actor.Grad), Array(p.grad!), 1e-5, "actor gradient");
        Assert.Equal(actorLoss.item<float>(), metrics.ActorLoss, 1e-4);
        Assert.Equal(-logPi.mean().item<float>(), metrics.Entropy, 1e-4);
        // The targets moved by Polyak (τ = 0.005) toward the updated critics.
        var expectedTarget = target0.add(n.Critic.Data.detach().sub(target0).mul(0.005.ToScalar()), One);
        AssertClose(Floats(n.CriticTarget.Data), Array(expectedTarget), 1e-6, "Polyak target");
        DisposeAll(n);
    }

    [Fact]
    public void One_and_two_threads_give_the_same_bits_over_several_steps()
    {
        float[][] Run(int threads)
        {
            var n = Networks([64, 48], 5);
            using var batch = Batch_(6, batch: 64);
            using var step = new NativeSacStep(n, new SacStepSettings(0.01, -2.0, null, 2), 64, threads);
            var gen = new torch.Generator(3);
            for (int t = 1; t <= 4; t++)
                using (var noise = torch.randn(new long[] { 2, 64, Act }, generator: gen)) step.Step(batch, noise, t, 1e-3);
            var result = new[] { Array(n.Actor.Data), Array(n.Critic.Data), Array(n.CriticTarget.Data), Array(n.LogAlpha!.Data) };
            DisposeAll(n);
            return result;
        }
        var one = Run(1);
        var two = Run(2);
        for (int i = 0; i < one.Length; i++) Assert.Equal(one[i], two[i]);
    }

    internal static void DisposeAll(OffPolicyNetworks n)
    {
        n.ActorOptimizer.Dispose(); n.CriticOptimizer.Dispose(); n.AlphaOptimizer?.Dispose();
        n.Actor.Dispose(); n.Critic.Dispose(); n.CriticTarget.Dispose(); n.ActorTarget?.Dispose(); n.LogAlpha?.Dispose();
    }
}
