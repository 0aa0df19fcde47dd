using PolicyGradient.Buffers;
using PolicyGradient.Objectives;
using PolicyGradient.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// One TD3 gradient step (Fujimoto et al. 2018) on libtorch with autograd, in SB3 2.4's order:
/// target action μ'(s') plus clipped smoothing noise clip(σ·ε, −c, c), clamped to [−1, 1]; target
/// y = r + γᵏ(1 − d)·min_i Q'_i(s', ã'); critic step on Σ MSE; then on every policy_delay-th gradient
/// step of the run (SB3 counts _n_updates from 1) the actor step on −mean Q₁(s, μ(s)) and Polyak
/// updates of the critic and actor targets. DDPG (Lillicrap et al. 2016) is this step with one critic,
/// policy_delay 1 and no smoothing noise (target_policy_noise 0: <c>noise</c> is not read).
/// </summary>
internal sealed class TensorTd3Step : IOffPolicyStep, IDisposable
{
    readonly OffPolicyNetworks _nets;
    readonly Td3StepSettings _settings;
    readonly PolyakUpdate _polyak;
    readonly Scalar _sigma, _clipLow, _clipHigh;
    static readonly Scalar MinusOne = (-1.0).ToScalar(), PlusOne = 1.0.ToScalar();

    public TensorTd3Step(OffPolicyNetworks networks, Td3StepSettings settings)
    {
        _nets = networks;
        _settings = settings;
        _polyak = new PolyakUpdate(settings.Tau);
        _sigma = settings.TargetPolicyNoise.ToScalar();
        _clipLow = (-settings.TargetNoiseClip).ToScalar();
        _clipHigh = settings.TargetNoiseClip.ToScalar();
        if (networks.ActorTarget is null) throw new ArgumentException("TD3 and DDPG need an actor target network", nameof(networks));
    }

    /// <inheritdoc />
    public OffPolicyStepMetrics Step(ReplayBatch batch, Tensor noise, long gradientStep, double learningRate)
    {
        using var scope = torch.NewDisposeScope();
        var device = _nets.Actor.Data.device;
        var obs = batch.Observations.to(device);
        var nextObs = batch.NextObservations.to(device);
        Tensor target;
        using (torch.no_grad())
        {
            var nextAction = TensorMlp.Forward(_nets.ActorTarget!.Data, _nets.ActorLayout, nextObs).tanh();
            if (_settings.TargetPolicyNoise > 0)
            {
                var smoothing = noise.to(device).mul(_sigma).clamp(_clipLow, _clipHigh);
                nextAction = nextAction.add(smoothing, Interop.TorchScalars.One).clamp(MinusOne, PlusOne);
            }
            var nextQ = TensorMlp.Critics(_nets.CriticTarget.Data, _nets.CriticLayouts, TensorMlp.StateAction(nextObs, nextAction));
            target = ClippedDoubleQTarget.Compute(batch.Rewards.to(device), batch.Discounts.to(device), batch.Dones.to(device), nextQ);
        }
        var q = TensorMlp.Critics(_nets.Critic.Data, _nets.CriticLayouts, TensorMlp.StateAction(obs, batch.Actions.to(device)));
        var criticLoss = TwinCriticLoss.SumOfMse(q, target);
        _nets.Critic.ZeroGrad();
        criticLoss.backward();
        _nets.CriticOptimizer.Step(learningRate);

        double actorLossValue = double.NaN;
        if (gradientStep % _settings.PolicyDelay == 0)
        {
            var action = TensorMlp.Forward(_nets.Actor.Data, _nets.ActorLayout, obs).tanh();
            var q1 = TensorMlp.Forward(_nets.Critic.Data.detach(), _nets.CriticLayouts[0], TensorMlp.StateAction(obs, action));
            var actorLoss = Td3Objectives.ActorLoss(q1);
            _nets.Actor.ZeroGrad();
            actorLoss.backward();
            _nets.ActorOptimizer.Step(learningRate);
            _polyak.Apply(_nets.CriticTarget.Data, _nets.Critic.Data);
            _polyak.Apply(_nets.ActorTarget!.Data, _nets.Actor.Data);
            actorLossValue = actorLoss.item<float>();
        }
        return new OffPolicyStepMetrics(criticLoss.item<float>(), actorLossValue, q.mean().item<float>());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _polyak.Dispose();
        _sigma.Dispose(); _clipLow.Dispose(); _clipHigh.Dispose();
    }
}
