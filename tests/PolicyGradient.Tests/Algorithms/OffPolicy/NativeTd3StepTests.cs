using PolicyGradient.Algorithms.OffPolicy;
using PolicyGradient.Optimizers;
using PolicyGradient.Policies;
using TorchSharp;
using static PolicyGradient.Tests.Algorithms.OffPolicy.NativeOffPolicyTestNetworks;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Algorithms.OffPolicy;

/// <summary>NativeTd3Step (TD3 and DDPG): every network's gradient against autograd through TD3's objectives written with torch ops here.</summary>
[Collection("TorchGlobalState")]
public class NativeTd3StepTests
{
    const int Obs = 4, Act = 2, Batch = 21;
    static readonly Scalar One = 1.0.ToScalar(), MinusOne = (-1.0).ToScalar();

    internal static OffPolicyNetworks Networks(int[] hidden, int critics, long seed)
    {
        var actor = MlpLayout.Create(Obs, hidden, Act, Activation.ReLU);
        var layouts = new List<MlpLayout> { MlpLayout.Create(Obs + Act, hidden, 1, Activation.ReLU) };
        if (critics == 2) layouts.Add(layouts[0].Next());
        var actorData = Buffer(seed, actor);
        var actorTarget = Buffer(seed + 3, actor);
        var critic = Buffer(seed + 1, layouts.ToArray());
        var target = Buffer(seed + 2, layouts.ToArray());
        return new OffPolicyNetworks(actor, actorData, new FlatAdam(actorData), layouts.ToArray(), critic, new FlatAdam(critic), target, ActorTarget: actorTarget);
    }

    static Tensor Critics(OffPolicyNetworks n, Tensor data, Tensor input) =>
        torch.cat(n.CriticLayouts.Select(l => Forward(l, data, input)).ToArray(), 1);

    [Theory]
    [InlineData(2, 0.2, 1)]   // TD3
    [InlineData(2, 0.2, 2)]
    [InlineData(1, 0.0, 2)]   // DDPG: one critic, no smoothing
    public void Every_networks_gradient_equals_autograd_through_the_td3_objectives(int critics, double smoothing, int threads)
    {
        using var scope = torch.NewDisposeScope();
        var n = Networks([32, 24], critics, 8);
        using var batch = NativeSacStepTests.Batch_(5, Obs, Act, Batch);
        var noise = torch.randn(new long[] { Batch, Act }, generator: new torch.Generator(4)).mul_(3.0.ToScalar()); // some hit the clip
        var actor0 = n.Actor.Data.detach().clone();
        var actorTarget0 = n.ActorTarget!.Data.detach().clone();
        var target0 = n.CriticTarget.Data.detach().clone();
        var critic0 = n.Critic.Data.detach().clone();
        var settings = new Td3StepSettings(0.01, PolicyDelay: 2, TargetPolicyNoise: smoothing, TargetNoiseClip: 0.5);
        using var step = new NativeTd3Step(n, settings, Batch, threads);
        var metrics = step.Step(batch, noise, 2, 1e-3);

        var nextAction = Forward(n.ActorLayout, actorTarget0, batch.NextObservations).tanh();
        if (smoothing > 0)
            nextAction = nextAction.add(noise.mul(smoothing.ToScalar()).clamp((-0.5).ToScalar(), 0.5.ToScalar()), One).clamp(MinusOne, One);
        var nextQ = Critics(n, target0, torch.cat([batch.NextObservations, nextAction], 1)).amin(1);
        var y = batch.Rewards.add(batch.Discounts.mul(torch.ones_like(batch.Dones).sub(batch.Dones)).mul(nextQ), One).detach();
        var c = critic0.clone().requires_grad_(true);
        var q = Critics(n, c, torch.cat([batch.Observations, batch.Actions], 1));
        var criticLoss = q.sub(y.unsqueeze(1)).pow(2.0.ToScalar()).mean([0L]).sum();
        criticLoss.backward();
        AssertClose(Floats(n.Critic.Grad), Array(c.grad!), 1e-5, "critic gradient");
        Assert.Equal(criticLoss.item<float>(), metrics.CriticLoss, 1e-4);
        Assert.Equal(q.mean().item<float>(), metrics.MeanQ, 1e-4);

        var p = actor0.clone().requires_grad_(true);
        var action = Forward(n.ActorLayout, p, batch.Observations).tanh();
        var actorLoss = Forward(n.CriticLayouts[0], n.Critic.Data.detach(), torch.cat([batch.Observations, action], 1)).mean().neg();
        actorLoss.backward();
        AssertClose(Floats(n.Actor.Grad), Array(p.grad!), 1e-5, "actor gradient");
        Assert.Equal(actorLoss.item<float>(), metrics.ActorLoss, 1e-4);

        using var tau = 0.01.ToScalar();
        AssertClose(Floats(n.CriticTarget.Data), Array(target0.add(n.Critic.Data.detach().sub(target0).mul(tau), One)), 1e-6, "critic target");
        AssertClose(Floats(n.ActorTarget.Data), Array(actorTarget0.add(n.Actor.Data.detach().sub(actorTarget0).mul(tau), One)), 1e-6, "actor target");
        DisposeAll(n);
    }

    [Fact]
    public void The_actor_and_the_targets_wait_for_the_policy_delay()
    {
        using var scope = torch.NewDisposeScope();
        var n = Networks([16], 2, 3);
        using var batch = NativeSacStepTests.Batch_(5, Obs, Act, Batch);
        var actor0 = Array(n.Actor.Data);
        var targets0 = (Array(n.CriticTarget.Data), Array(n.ActorTarget!.Data));
        using var step = new NativeTd3Step(n, new Td3StepSettings(0.005, 2, 0.2, 0.5), Batch, 1);
        var metrics = step.Step(batch, torch.randn(Batch, Act), 1, 1e-3);
        Assert.True(double.IsNaN(metrics.ActorLoss));
        Assert.Equal(actor0, Array(n.Actor.Data));
        Assert.Equal(targets0.Item1, Array(n.CriticTarget.Data));
        Assert.Equal(targets0.Item2, Array(n.ActorTarget.Data));
        DisposeAll(n);
    }

    [Fact]
    public void One_and_two_threads_give_the_same_bits_over_several_steps()
    {
        float[][] Run(int threads)
        {
            var n = Networks([64, 40], 2, 5);
            using var batch = NativeSacStepTests.Batch_(6, Obs, Act, 50);
            using var step = new NativeTd3Step(n, new Td3StepSettings(0.01, 2, 0.2, 0.5), 50, threads);
            var gen = new torch.Generator(3);
            for (int t = 1; t <= 4; t++)
                using (var noise = torch.randn(new long[] { 50, Act }, generator: gen)) step.Step(batch, noise, t, 1e-3);
            var result = new[] { Array(n.Actor.Data), Array(n.Critic.Data), Array(n.CriticTarget.Data), Array(n.ActorTarget!.Data) };
            DisposeAll(n);
            return result;
        }
        var one = Run(1);
        var two = Run(2);
        for (int i = 0; i < one.Length; i++) Assert.Equal(one[i], two[i]);
    }

    static void DisposeAll(OffPolicyNetworks n) => NativeSacStepTests.DisposeAll(n);
}
