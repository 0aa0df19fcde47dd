using PolicyGradient.Buffers;
using PolicyGradient.Objectives;
using PolicyGradient.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// One SAC gradient step (Haarnoja et al. 2018) on libtorch with autograd, in SB3 2.4's order:
/// (1) sample ã ~ π(·|s) with the current actor; (2) temperature: loss on those log-probabilities,
/// α for this step taken BEFORE log α moves, then one Adam step on log α; (3) target y from the
/// target critics at s' with a fresh ã' ~ π(·|s') and that α; (4) critic step on ½·Σ MSE;
/// (5) actor step on mean(α log π − min Q) read through the UPDATED critics (constants here);
/// (6) Polyak target update on every target_update_interval-th gradient step of the run.
/// <c>noise</c>[0] drives ã, <c>noise</c>[1] drives ã'.
/// </summary>
internal sealed class TensorSacStep : IOffPolicyStep, IDisposable
{
    readonly OffPolicyNetworks _nets;
    readonly SacStepSettings _settings;
    readonly PolyakUpdate _polyak;
    readonly TensorSacTemperature _temperature;

    public TensorSacStep(OffPolicyNetworks networks, SacStepSettings settings)
    {
        _nets = networks;
        _settings = settings;
        _polyak = new PolyakUpdate(settings.Tau);
        _temperature = new TensorSacTemperature(networks, settings);
    }

    /// <inheritdoc />
    public OffPolicyStepMetrics Step(ReplayBatch batch, Tensor noise, long gradientStep, double learningRate)
    {
        using var scope = torch.NewDisposeScope();
        var device = _nets.Actor.Data.device;
        var obs = batch.Observations.to(device);
        var nextObs = batch.NextObservations.to(device);
        var (actionPi, logProbPi) = Act(_nets.Actor.Data, obs, noise[0].to(device));
        var (alpha, alphaLoss) = _temperature.Update(la => SacObjectives.TemperatureLoss(la, logProbPi, _settings.TargetEntropy), learningRate);

        Tensor target;
        using (torch.no_grad())
        {
            var (nextAction, nextLogProb) = Act(_nets.Actor.Data, nextObs, noise[1].to(device));
            var nextQ = TensorMlp.Critics(_nets.CriticTarget.Data, _nets.CriticLayouts, TensorMlp.StateAction(nextObs, nextAction));
            target = ClippedDoubleQTarget.Compute(batch.Rewards.to(device), batch.Discounts.to(device), batch.Dones.to(device), nextQ, nextLogProb.mul(alpha));
        }
        var q = TensorMlp.Critics(_nets.Critic.Data, _nets.CriticLayouts, TensorMlp.StateAction(obs, batch.Actions.to(device)));
        var criticLoss = TwinCriticLoss.HalfSumOfMse(q, target);
        _nets.Critic.ZeroGrad();
        criticLoss.backward();
        _nets.CriticOptimizer.Step(learningRate);

        var qPi = TensorMlp.Critics(_nets.Critic.Data.detach(), _nets.CriticLayouts, TensorMlp.StateAction(obs, actionPi));
        var actorLoss = SacObjectives.ActorLoss(alpha, logProbPi, qPi.amin(1));
        _nets.Actor.ZeroGrad();
        actorLoss.backward();
        _nets.ActorOptimizer.Step(learningRate);

        if (gradientStep % _settings.TargetUpdateInterval == 0) _polyak.Apply(_nets.CriticTarget.Data, _nets.Critic.Data);
        return new OffPolicyStepMetrics(criticLoss.item<float>(), actorLoss.item<float>(), q.mean().item<float>(),
            Entropy: -logProbPi.mean().item<float>(), Alpha: alpha.item<float>(), AlphaLoss: alphaLoss);
    }

    /// <summary>Splits the actor's output into μ and log σ and draws the squashed action for <paramref name="noise"/>.</summary>
    internal static (Tensor Action, Tensor LogProb) Act(Tensor actor, MlpLayout layout, Tensor observations, Tensor noise)
    {
        var output = TensorMlp.Forward(actor, layout, observations);
        long act = layout.OutputSize / 2;
        return SquashedGaussianSample.Sample(output.narrow(1, 0, act), output.narrow(1, act, act), noise);
    }

    (Tensor Action, Tensor LogProb) Act(Tensor actor, Tensor observations, Tensor noise) => Act(actor, _nets.ActorLayout, observations, noise);

    /// <summary>α for this step (before the update) and, when learned, one Adam step on log α.</summary>
    /// <inheritdoc />
    public void Dispose()
    {
        _polyak.Dispose();
        _temperature.Dispose();
    }
}
