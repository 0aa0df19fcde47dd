using System.Runtime.InteropServices;
using PolicyGradient.Core;
using PolicyGradient.Interop;
using PolicyGradient.Estimators;
using PolicyGradient.Objectives;
using PolicyGradient.VarianceReduction;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// What the momentum variance-reduced policy gradient needs from one rollout, as flat gradients of the whole
/// parameter buffer (loss gradients, i.e. minus the ascent directions; the recursion is linear, so the sign carries):
/// the policy loss at θ_t (REINFORCE's g(τ_t; θ_t): Monte-Carlo returns minus the learned V(s), normalized over the
/// batch, completed episodes only), the same loss at θ_{t−1} with each trajectory's rows weighted by its clipped
/// importance weight (the correction w·g(τ_t; θ_{t−1})), and the critic's value loss (plus the entropy bonus) at θ_t.
/// The advantages are the batch's numbers, the same in both policy terms. θ_t is back in the buffer afterwards.
/// </summary>
/// <param name="Policy">∇ of the policy loss at θ_t.</param>
/// <param name="Correction">∇ at θ_{t−1} of the weighted policy loss; null without a previous policy.</param>
/// <param name="Critic">∇ of vf_coef · value loss − ent_coef · entropy at θ_t.</param>
/// <param name="Metrics">Scalars for progress.csv (losses, entropy, weights).</param>
internal sealed record VrpgBatchGradients(Tensor Policy, Tensor? Correction, Tensor Critic, Dictionary<string, double> Metrics)
{
    /// <summary>The gradients of the rollout in <paramref name="core"/>'s buffer, or null when it holds fewer than 2 rows of completed episodes.</summary>
    /// <param name="core">The run (or a probe) whose buffer and flat parameters (θ_t) are used.</param>
    /// <param name="options">β is not used here; vf_coef, ent_coef, gamma, normalize_advantage and weight_clip are.</param>
    /// <param name="previous">θ_{t−1} (a flat tensor like the buffer), or null for the first update.</param>
    public static VrpgBatchGradients? Compute(OnPolicyCore core, VrpgOptions options, Tensor? previous)
    {
        var buffer = core.Buffer;
        int total = buffer.NumSteps * buffer.NumEnvs;
        var device = core.Device;
        var theta = core.Net.Parameters.Data;
        var returns = DiscountedReturns.Compute(buffer.Rewards, buffer.Dones, options.Gamma).view(total).to(device);
        var mask = Reinforce.CompletedEpisodeMask(buffer.Dones).view(total).to(device);
        double validCount = mask.sum().item<float>();
        if (validCount < 2) return null;

        var observations = buffer.Observations.view(total, buffer.ObservationSize).to(device);
        var actions = buffer.Actions.view(total, buffer.ActionSize).to(device);
        var actionMasks = buffer.ActionMasks?.view(total, buffer.ActionMaskSize).to(device);
        var weights = core.Net.Weights();
        var (head, values) = core.Net.Forward(observations, weights);
        var distribution = core.Net.Distribution(head, weights, actionMasks);
        var logProbs = distribution.LogProb(actions);
        var entropy = LossAggregation.Aggregate(distribution.Entropy(), mask, LossAggregationMode.TokenMean);
        Tensor advantages = returns.add(values.detach().neg(), TorchScalars.One);
        if (options.NormalizeAdvantage) advantages = AdvantageNormalization.Normalize(advantages, mask);

        var policyLoss = LossAggregation.Aggregate(PolicyGradientLoss.Compute(logProbs, advantages), mask, LossAggregationMode.TokenMean);
        var valueLoss = LossAggregation.Aggregate(ValueLoss.Compute(values, returns), mask, LossAggregationMode.TokenMean);
        using Scalar vfCoef = options.VfCoef.ToScalar(), entCoef = options.EntCoef.ToScalar();
        var criticLoss = valueLoss.mul(vfCoef).add(EntropyBonus.Compute(entropy).mul(entCoef), TorchScalars.One);
        var policy = torch.autograd.grad([policyLoss], [theta], retain_graph: true)[0].detach();
        var critic = torch.autograd.grad([criticLoss], [theta])[0].detach();
        var metrics = new Dictionary<string, double>
        {
            ["valid_fraction"] = validCount / total,
            ["policy_loss"] = policyLoss.item<float>(),
            ["value_loss"] = valueLoss.item<float>(),
            ["entropy"] = entropy.item<float>(),
        };
        var correction = previous is null ? null : WeightedPreviousGradient(core, options, previous, observations, actions, actionMasks, logProbs.detach(), advantages, mask, metrics);
        return new VrpgBatchGradients(policy, correction, critic, metrics);
    }

    // ∇ at θ_{t−1} of mean_rows(w_traj · −A · log π_{θ_{t−1}}(a|s)); θ_t is restored before returning.
    static Tensor WeightedPreviousGradient(OnPolicyCore core, VrpgOptions options, Tensor previous, Tensor observations, Tensor actions, Tensor? actionMasks,
        Tensor currentLogProbs, Tensor advantages, Tensor mask, Dictionary<string, double> metrics)
    {
        var theta = core.Net.Parameters.Data;
        var current = theta.detach().clone();
        using (torch.no_grad()) theta.copy_(previous);
        try
        {
            var weights = core.Net.Weights();
            var (head, _) = core.Net.Forward(observations, weights);
            var previousLogProbs = core.Net.Distribution(head, weights, actionMasks).LogProb(actions);
            var buffer = core.Buffer;
            var logRatios = Floats(previousLogProbs.detach().add(currentLogProbs.neg(), TorchScalars.One).cpu());
            var rowWeights = new float[logRatios.Length];
            int clipped = TrajectoryWeights.PerRow(logRatios, Floats(buffer.Dones.contiguous()), buffer.NumEnvs, options.WeightClip, rowWeights);
            var w = torch.tensor(rowWeights, device: theta.device);
            var loss = LossAggregation.Aggregate(PolicyGradientLoss.Compute(previousLogProbs, advantages).mul(w), mask, LossAggregationMode.TokenMean);
            var gradient = torch.autograd.grad([loss], [theta])[0].detach();
            double trajectories = buffer.Dones.sum().item<float>();
            metrics["trajectory_weight_mean"] = w.mul(mask).sum().item<float>() / Math.Max(mask.sum().item<float>(), 1);
            metrics["trajectory_weight_clipped"] = trajectories > 0 ? clipped / trajectories : 0;
            return gradient;
        }
        finally
        {
            using (torch.no_grad()) theta.copy_(current);
        }
    }

    static float[] Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.contiguous().bytes).ToArray();
}
