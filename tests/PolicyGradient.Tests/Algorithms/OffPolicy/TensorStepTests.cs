using PolicyGradient.Algorithms.OffPolicy;
using PolicyGradient.Buffers;
using TorchSharp;
using static TorchSharp.torch;
using static PolicyGradient.Tests.Algorithms.OffPolicy.StepReference;

namespace PolicyGradient.Tests.Algorithms.OffPolicy;

/// <summary>Each tensor step against a hand-written autograd computation of the same update (SB3's order of operations).</summary>
[Collection("TorchGlobalState")]
public class TensorStepTests
{
    const double Lr = 0.01, Tolerance = 2e-6;
    static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    static void PerturbTargets(OffPolicyNetworks nets)
    {
        using var _ = torch.no_grad();
        var g = new torch.Generator(99);
        nets.CriticTarget.Data.add_(torch.randn(nets.CriticTarget.Data.shape, generator: g) * 0.1);
        nets.ActorTarget?.Data.add_(torch.randn(nets.ActorTarget.Data.shape, generator: g) * 0.1);
    }

    static (Tensor Action, Tensor LogProb) ReferenceSample(Tensor actor, MlpLayout layout, Tensor obs, Tensor eps)
    {
        var output = Mlp(actor, layout, obs);
        long act = layout.OutputSize / 2;
        var mean = output.narrow(1, 0, act);
        var logStd = output.narrow(1, act, act).clamp(-20, 2);
        var std = logStd.exp();
        var u = mean + std * eps;
        var a = u.tanh();
        // SB3: Normal(mean, std).log_prob(u) summed, minus the tanh correction with ε = 1e-6.
        var gaussian = (-(u - mean).pow(2) / (2 * std.pow(2)) - logStd - HalfLog2Pi).sum(1);
        return (a, gaussian - (1 - a.pow(2) + 1e-6).log().sum(1));
    }

    static Tensor Critics(Tensor p, MlpLayout[] layouts, Tensor input) =>
        torch.cat(layouts.Select(l => Mlp(p, l, input)).ToArray(), 1);

    [Fact]
    public void Sac_step_equals_the_hand_written_update_over_two_steps()
    {
        var g = new torch.Generator(7);
        using var nets = Disposable(OffPolicyNetworkFactory.Sac(3, 2, [8, 8], 2, initialAlpha: 0.5, g, CPU));
        PerturbTargets(nets.Value);
        var n = nets.Value;
        var settings = new SacStepSettings(Tau: 0.1, TargetEntropy: -2, FixedAlpha: null, TargetUpdateInterval: 1);
        using var step = new TensorSacStep(n, settings);
        var reference = new StepReference(n, Lr);
        using var batch = Batch(6, 3, 2, discrete: false);
        var noise = torch.randn([2, 6, 2], generator: new torch.Generator(5));
        var (s, a, r, s2, d, disc) = (batch.Observations, batch.Actions, batch.Rewards, batch.NextObservations, batch.Dones, batch.Discounts);
        for (int k = 1; k <= 2; k++)
        {
            var metrics = step.Step(batch, noise, k, Lr);

            var (aPi, logPi) = ReferenceSample(reference.Actor, n.ActorLayout, s, noise[0]);
            var alpha = reference.LogAlpha!.detach().exp();
            var alphaLoss = -(reference.LogAlpha! * (logPi + settings.TargetEntropy).detach()).mean();
            reference.AlphaAdam!.zero_grad(); alphaLoss.backward(); reference.AlphaAdam.step();
            Tensor y;
            using (torch.no_grad())
            {
                var (a2, logp2) = ReferenceSample(reference.Actor, n.ActorLayout, s2, noise[1]);
                var q2 = Critics(reference.CriticTarget, n.CriticLayouts, torch.cat([s2, a2], 1));
                y = r + disc * (1 - d) * (q2.min(1).values - alpha * logp2);
            }
            var q = Critics(reference.Critic, n.CriticLayouts, torch.cat([s, a], 1));
            var criticLoss = 0.5 * ((q[.., 0] - y).pow(2).mean() + (q[.., 1] - y).pow(2).mean());
            reference.CriticAdam.zero_grad(); criticLoss.backward(); reference.CriticAdam.step();
            var qPi = Critics(reference.Critic.detach(), n.CriticLayouts, torch.cat([s, aPi], 1));
            var actorLoss = (alpha * logPi - qPi.min(1).values).mean();
            reference.ActorAdam.zero_grad(); actorLoss.backward(); reference.ActorAdam.step();
            Polyak(reference.CriticTarget, reference.Critic, settings.Tau);

            Assert.Equal(criticLoss.item<float>(), metrics.CriticLoss, 5);
            Assert.Equal(actorLoss.item<float>(), metrics.ActorLoss, 5);
            Assert.Equal(alpha.item<float>(), metrics.Alpha, 6);
            Assert.Equal(alphaLoss.item<float>(), metrics.AlphaLoss, 5);
        }
        Assert.True(MaxDiff(n.Actor.Data, reference.Actor) < Tolerance, $"actor differs by {MaxDiff(n.Actor.Data, reference.Actor)}");
        Assert.True(MaxDiff(n.Critic.Data, reference.Critic) < Tolerance, $"critic differs by {MaxDiff(n.Critic.Data, reference.Critic)}");
        Assert.True(MaxDiff(n.CriticTarget.Data, reference.CriticTarget) < Tolerance, "critic target differs");
        Assert.True(MaxDiff(n.LogAlpha!.Data, reference.LogAlpha!) < Tolerance, "log alpha differs");
    }

    [Fact]
    public void Sac_with_a_fixed_alpha_and_a_target_interval_leaves_the_targets_until_the_interval()
    {
        var g = new torch.Generator(8);
        using var nets = Disposable(OffPolicyNetworkFactory.Sac(3, 1, [8], 2, initialAlpha: null, g, CPU));
        var n = nets.Value;
        using var step = new TensorSacStep(n, new SacStepSettings(0.5, -1, FixedAlpha: 0.2, TargetUpdateInterval: 2));
        using var batch = Batch(4, 3, 1, discrete: false);
        var before = n.CriticTarget.Data.detach().clone();
        var metrics = step.Step(batch, torch.randn([2, 4, 1]), 1, Lr);
        Assert.Equal(0.2, metrics.Alpha, 6);
        Assert.True(double.IsNaN(metrics.AlphaLoss));
        Assert.Equal(0.0, MaxDiff(n.CriticTarget.Data, before));
        step.Step(batch, torch.randn([2, 4, 1]), 2, Lr);
        Assert.True(MaxDiff(n.CriticTarget.Data, before) > 0);
    }

    [Fact]
    public void Td3_step_equals_the_hand_written_update_with_delay_and_clipped_target_smoothing()
    {
        var g = new torch.Generator(11);
        using var nets = Disposable(OffPolicyNetworkFactory.Td3(3, 2, [8, 8], 2, g, CPU));
        PerturbTargets(nets.Value);
        var n = nets.Value;
        var settings = new Td3StepSettings(Tau: 0.1, PolicyDelay: 2, TargetPolicyNoise: 0.2, TargetNoiseClip: 0.5);
        using var step = new TensorTd3Step(n, settings);
        var reference = new StepReference(n, Lr);
        using var batch = Batch(6, 3, 2, discrete: false);
        // Draws up to ±4σ-ish and beyond: 0.2·ε clipped at ±0.5 wherever |ε| > 2.5.
        var noise = torch.randn([6, 2], generator: new torch.Generator(3)) * 3;
        Assert.True((noise.abs() > 2.5).any().item<bool>(), "the test needs draws that the clip cuts");
        var (s, a, r, s2, d, disc) = (batch.Observations, batch.Actions, batch.Rewards, batch.NextObservations, batch.Dones, batch.Discounts);
        var actorBefore = n.Actor.Data.detach().clone();
        var actorTargetBefore = n.ActorTarget!.Data.detach().clone();
        var criticTargetBefore = n.CriticTarget.Data.detach().clone();
        for (int k = 1; k <= 2; k++)
        {
            var metrics = step.Step(batch, noise, k, Lr);
            Tensor y;
            using (torch.no_grad())
            {
                var smoothing = (noise * 0.2).clamp(-0.5, 0.5);
                var a2 = (Mlp(reference.ActorTarget!, n.ActorLayout, s2).tanh() + smoothing).clamp(-1, 1);
                y = r + disc * (1 - d) * Critics(reference.CriticTarget, n.CriticLayouts, torch.cat([s2, a2], 1)).min(1).values;
            }
            var q = Critics(reference.Critic, n.CriticLayouts, torch.cat([s, a], 1));
            var criticLoss = (q[.., 0] - y).pow(2).mean() + (q[.., 1] - y).pow(2).mean();
            reference.CriticAdam.zero_grad(); criticLoss.backward(); reference.CriticAdam.step();
            Assert.Equal(criticLoss.item<float>(), metrics.CriticLoss, 5);
            if (k == 1)
            {
                // Not a policy_delay-th step: the actor and both targets stay as they were.
                Assert.True(double.IsNaN(metrics.ActorLoss));
                Assert.Equal(0.0, MaxDiff(n.Actor.Data, actorBefore));
                Assert.Equal(0.0, MaxDiff(n.ActorTarget.Data, actorTargetBefore));
                Assert.Equal(0.0, MaxDiff(n.CriticTarget.Data, criticTargetBefore));
                continue;
            }
            var q1 = Mlp(reference.Critic.detach(), n.CriticLayouts[0], torch.cat([s, Mlp(reference.Actor, n.ActorLayout, s).tanh()], 1));
            var actorLoss = -q1.mean();
            reference.ActorAdam.zero_grad(); actorLoss.backward(); reference.ActorAdam.step();
            Polyak(reference.CriticTarget, reference.Critic, settings.Tau);
            Polyak(reference.ActorTarget!, reference.Actor, settings.Tau);
            Assert.Equal(actorLoss.item<float>(), metrics.ActorLoss, 5);
        }
        Assert.True(MaxDiff(n.Actor.Data, reference.Actor) < Tolerance, $"actor differs by {MaxDiff(n.Actor.Data, reference.Actor)}");
        Assert.True(MaxDiff(n.Critic.Data, reference.Critic) < Tolerance, $"critic differs by {MaxDiff(n.Critic.Data, reference.Critic)}");
        Assert.True(MaxDiff(n.CriticTarget.Data, reference.CriticTarget) < Tolerance, "critic target differs");
        Assert.True(MaxDiff(n.ActorTarget.Data, reference.ActorTarget!) < Tolerance, "actor target differs");
    }

    [Fact]
    public void Ddpg_step_uses_one_critic_updates_the_actor_every_step_and_reads_no_noise()
    {
        var g = new torch.Generator(12);
        using var nets = Disposable(OffPolicyNetworkFactory.Td3(3, 1, [8], 1, g, CPU));
        var n = nets.Value;
        using var step = new TensorTd3Step(n, new Td3StepSettings(0.1, 1, 0, 0));
        using var batch = Batch(5, 3, 1, discrete: false);
        var before = n.Actor.Data.detach().clone();
        var metrics = step.Step(batch, torch.empty(0), 1, Lr);
        Assert.False(double.IsNaN(metrics.ActorLoss));
        Assert.True(MaxDiff(n.Actor.Data, before) > 0);
        Assert.Single(n.CriticLayouts);
    }

    [Fact]
    public void Discrete_sac_step_equals_the_hand_written_update()
    {
        var g = new torch.Generator(13);
        using var nets = Disposable(OffPolicyNetworkFactory.DiscreteSac(4, 3, [8, 8], 2, initialAlpha: 1.0, g, CPU));
        PerturbTargets(nets.Value);
        var n = nets.Value;
        var settings = new SacStepSettings(Tau: 0.1, TargetEntropy: 0.5 * Math.Log(3), FixedAlpha: null, TargetUpdateInterval: 1);
        using var step = new TensorDiscreteSacStep(n, settings);
        var reference = new StepReference(n, Lr);
        using var batch = Batch(6, 4, 1, discrete: true, actions: 3);
        var (s, a, r, s2, d, disc) = (batch.Observations, batch.Actions, batch.Rewards, batch.NextObservations, batch.Dones, batch.Discounts);
        for (int k = 1; k <= 2; k++)
        {
            var metrics = step.Step(batch, torch.empty(0), k, Lr);
            var logits = Mlp(reference.Actor, n.ActorLayout, s);
            var logPi = logits.log_softmax(1);
            var pi = logPi.exp();
            var alpha = reference.LogAlpha!.detach().exp();
            var alphaLoss = -(reference.LogAlpha! * ((pi * logPi).sum(1) + settings.TargetEntropy).detach()).mean();
            reference.AlphaAdam!.zero_grad(); alphaLoss.backward(); reference.AlphaAdam.step();
            Tensor y;
            using (torch.no_grad())
            {
                var logPi2 = Mlp(reference.Actor, n.ActorLayout, s2).log_softmax(1);
                var q2 = torch.minimum(Mlp(reference.CriticTarget, n.CriticLayouts[0], s2), Mlp(reference.CriticTarget, n.CriticLayouts[1], s2));
                y = r + disc * (1 - d) * (logPi2.exp() * (q2 - alpha * logPi2)).sum(1);
            }
            var index = a.to_type(ScalarType.Int64);
            var q1 = Mlp(reference.Critic, n.CriticLayouts[0], s).gather(1, index).squeeze(1);
            var q2b = Mlp(reference.Critic, n.CriticLayouts[1], s).gather(1, index).squeeze(1);
            var criticLoss = 0.5 * ((q1 - y).pow(2).mean() + (q2b - y).pow(2).mean());
            reference.CriticAdam.zero_grad(); criticLoss.backward(); reference.CriticAdam.step();
            var critic = reference.Critic.detach();
            var minQ = torch.minimum(Mlp(critic, n.CriticLayouts[0], s), Mlp(critic, n.CriticLayouts[1], s));
            var actorLoss = (pi * (alpha * logPi - minQ)).sum(1).mean();
            reference.ActorAdam.zero_grad(); actorLoss.backward(); reference.ActorAdam.step();
            Polyak(reference.CriticTarget, reference.Critic, settings.Tau);
            Assert.Equal(criticLoss.item<float>(), metrics.CriticLoss, 5);
            Assert.Equal(actorLoss.item<float>(), metrics.ActorLoss, 5);
        }
        Assert.True(MaxDiff(n.Actor.Data, reference.Actor) < Tolerance, $"actor differs by {MaxDiff(n.Actor.Data, reference.Actor)}");
        Assert.True(MaxDiff(n.Critic.Data, reference.Critic) < Tolerance, $"critic differs by {MaxDiff(n.Critic.Data, reference.Critic)}");
        Assert.True(MaxDiff(n.CriticTarget.Data, reference.CriticTarget) < Tolerance, "critic target differs");
        Assert.True(MaxDiff(n.LogAlpha!.Data, reference.LogAlpha!) < Tolerance, "log alpha differs");
    }

    /// <summary>Disposes every buffer and optimizer of the networks.</summary>
    internal static DisposableNetworks Disposable(OffPolicyNetworks nets) => new(nets);

    internal sealed class DisposableNetworks(OffPolicyNetworks value) : IDisposable
    {
        public OffPolicyNetworks Value { get; } = value;
        public void Dispose()
        {
            Value.Actor.Dispose(); Value.ActorOptimizer.Dispose();
            Value.Critic.Dispose(); Value.CriticOptimizer.Dispose(); Value.CriticTarget.Dispose();
            Value.ActorTarget?.Dispose(); Value.LogAlpha?.Dispose(); Value.AlphaOptimizer?.Dispose();
        }
    }
}
