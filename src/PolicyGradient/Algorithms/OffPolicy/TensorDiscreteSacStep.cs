using PolicyGradient.Buffers;
using PolicyGradient.Objectives;
using PolicyGradient.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// One discrete-SAC gradient step (Christodoulou 2019) on libtorch with autograd, in the order of the
/// continuous <see cref="TensorSacStep"/>: temperature (α taken before log α moves), target
/// y = r + γᵏ(1 − d)·Σ_a π(a|s')(min_i Q'_i(s', a) − α log π(a|s')), critic step on ½·Σ MSE of
/// Q_i(s, a_taken), actor step on Σ_a π(a|s)(α log π(a|s) − min_i Q_i(s, a)) through the updated
/// critics, Polyak targets every target_update_interval-th step. No noise is drawn (the sums over
/// actions are exact); the stored action is the index as a float.
/// </summary>
internal sealed class TensorDiscreteSacStep : IOffPolicyStep, IDisposable
{
    readonly OffPolicyNetworks _nets;
    readonly SacStepSettings _settings;
    readonly PolyakUpdate _polyak;
    readonly TensorSacTemperature _temperature;

    public TensorDiscreteSacStep(OffPolicyNetworks networks, SacStepSettings settings)
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
        var logProbs = nn.functional.log_softmax(TensorMlp.Forward(_nets.Actor.Data, _nets.ActorLayout, obs), 1);
        var probs = logProbs.exp();
        var (alpha, alphaLoss) = _temperature.Update(la => DiscreteSacObjectives.TemperatureLoss(la, probs, logProbs, _settings.TargetEntropy), learningRate);

        Tensor target;
        using (torch.no_grad())
        {
            var nextLogProbs = nn.functional.log_softmax(TensorMlp.Forward(_nets.Actor.Data, _nets.ActorLayout, nextObs), 1);
            var nextQ = TensorMlp.Critics(_nets.CriticTarget.Data, _nets.CriticLayouts, nextObs).amin(1);
            var nextValue = DiscreteSacObjectives.NextValue(nextLogProbs.exp(), nextLogProbs, nextQ, alpha);
            target = ClippedDoubleQTarget.FromValue(batch.Rewards.to(device), batch.Discounts.to(device), batch.Dones.to(device), nextValue);
        }
        var taken = batch.Actions.to(device).to_type(ScalarType.Int64); // [B, 1] action indices
        var qAll = TensorMlp.Critics(_nets.Critic.Data, _nets.CriticLayouts, obs); // [B, n, A]
        var q = qAll.gather(2, taken.unsqueeze(1).expand(-1, _nets.CriticLayouts.Length, 1)).squeeze(2); // [B, n]
        var criticLoss = TwinCriticLoss.HalfSumOfMse(q, target);
        _nets.Critic.ZeroGrad();
        criticLoss.backward();
        _nets.CriticOptimizer.Step(learningRate);

        var minQ = TensorMlp.Critics(_nets.Critic.Data.detach(), _nets.CriticLayouts, obs).amin(1);
        var actorLoss = DiscreteSacObjectives.ActorLoss(probs, logProbs, minQ, alpha);
        _nets.Actor.ZeroGrad();
        actorLoss.backward();
        _nets.ActorOptimizer.Step(learningRate);

        if (gradientStep % _settings.TargetUpdateInterval == 0) _polyak.Apply(_nets.CriticTarget.Data, _nets.Critic.Data);
        double entropy = DiscreteSacObjectives.Entropy(probs.detach(), logProbs.detach()).mean().item<float>();
        return new OffPolicyStepMetrics(criticLoss.item<float>(), actorLoss.item<float>(), q.mean().item<float>(),
            Entropy: entropy, Alpha: alpha.item<float>(), AlphaLoss: alphaLoss);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _polyak.Dispose();
        _temperature.Dispose();
    }
}
