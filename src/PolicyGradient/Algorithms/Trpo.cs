using System.Globalization;
using PolicyGradient.Interop;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Environments.Vector;
using PolicyGradient.Estimators;
using PolicyGradient.Objectives;
using PolicyGradient.Policies;
using PolicyGradient.Optimizers;
using PolicyGradient.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Trust Region Policy Optimization (Schulman et al. 2015, arXiv:1502.05477) as in sb3-contrib:
/// maximize the surrogate L(θ) = E[r_θ A] subject to mean KL(π_old ‖ π_θ) ≤ δ, by the natural-gradient
/// direction s = F⁻¹g (conjugate gradient on Fisher-vector products), the largest step
/// β = √(2δ / sᵀFs) along it, and a backtracking line search; the value function is fitted
/// separately with Adam on minibatches.
/// </summary>
public sealed class Trpo : OnPolicyAlgorithm<TrpoOptions>
{
    FlatAdam _valueOptimizer = null!;
    ICriticStep _critic = null!;
    long[] _permutation = [];
    NativeTrustRegionStep? _nativePolicy;
    float[] _advantages = [];

    /// <summary>TRPO on <paramref name="options"/>.NEnvs copies of a registered environment.</summary>
    public Trpo(string envId, TrpoOptions? options = null, long seed = 0, Device? device = null) : base(envId, options, seed, device) => Build();

    /// <summary>TRPO as the run layer builds it (registry entry "trpo").</summary>
    public Trpo(TrpoOptions options, AlgorithmContext context) : base(options, context) => Build();

    /// <summary>TRPO on a vector env you built (its NumEnvs overrides <c>n_envs</c>).</summary>
    public Trpo(IVectorEnv env, TrpoOptions? options = null, long seed = 0, Device? device = null) : base(env, options, seed, device) => Build();

    // The critic's optimizer. The value loss gives the actor's entries exactly zero gradient, so Adam
    // leaves them in place: only the trust-region step moves the policy. Native rollout inference and
    // critic steps (OnPolicy/NativeCriticStep.cs) and trust-region steps (OnPolicy/NativeTrustRegionStep.cs) where they apply.
    void Build()
    {
        if (Core.Masked)
        {
            Dispose();
            throw new ArgumentException("trpo does not use action masks yet and the env provides them (IActionMaskProvider); train it with ppo, a2c or reinforce, which sample and learn under the masks");
        }
        _valueOptimizer = new FlatAdam(Core.Net.Parameters, epsilon: 1e-5);
        Initialize(_valueOptimizer, layout =>
        {
            _critic = layout is null ? new TensorCriticStep(Core, _valueOptimizer) : new NativeCriticStep(Core, layout, Options.BatchSize, _valueOptimizer);
            if (layout is null) return;
            _nativePolicy = new NativeTrustRegionStep(Core, layout);
            _advantages = new float[Core.Buffer.NumSteps * Core.Buffer.NumEnvs];
        });
    }

    /// <inheritdoc />
    public override string Name => "trpo";

    /// <inheritdoc />
    public override void Learn(long totalTimesteps, ITrainingCallback? callback = null) =>
        Core.Learn(this, totalTimesteps, callback, progressRemaining =>
        {
            double learningRate = Options.LearningRate.Value(progressRemaining);
            Core.Buffer.ComputeAdvantages(Options.Gamma, Options.GaeLambda);
            return Update(learningRate);
        });

    Dictionary<string, double> Update(double learningRate)
    {
        using var scope = torch.NewDisposeScope();
        var buffer = Core.Buffer;
        // The policy: one trust-region step; then the critic: n_critic_updates epochs of shuffled
        // minibatches of (V − R)², Adam on the value entries.
        var step = _nativePolicy is null ? PolicyStepLibTorch() : PolicyStepNative();
        var (valueLossSum, valueSteps) = FitCritic(learningRate);

        return new Dictionary<string, double>
        {
            ["policy_objective"] = step.OldObjective,
            ["policy_loss"] = -(step.Accepted ? step.Objective : step.OldObjective),
            ["approx_kl"] = step.Accepted ? step.Kl : 0,
            ["line_search_success"] = step.Accepted ? 1 : 0,
            ["line_search_evaluations"] = step.Evaluations,
            ["step_fraction"] = step.Fraction,
            ["value_loss"] = valueLossSum / Math.Max(valueSteps, 1),
            ["entropy"] = step.Entropy,
            ["explained_variance"] = ExplainedVariance.Compute(buffer.Values, buffer.Returns),
            ["learning_rate"] = learningRate,
        };
    }

    TrustRegionStepResult PolicyStepNative()
    {
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Core.Buffer.Advantages.bytes).CopyTo(_advantages);
        if (Options.NormalizeAdvantage) NativeAdvantageNormalization.Normalize(_advantages);
        return _nativePolicy!.Run(_advantages, Options);
    }

    // The definition: surrogate gradient and Fisher-vector products by autograd (double backward through the mean KL).
    TrustRegionStepResult PolicyStepLibTorch()
    {
        using var scope = torch.NewDisposeScope();
        var buffer = Core.Buffer;
        var net = Core.Net;
        var theta = net.Parameters.Data;
        int total = buffer.NumSteps * buffer.NumEnvs;
        var device = Core.Device;
        var observations = buffer.Observations.view(total, buffer.ObservationSize).to(device);
        var actions = buffer.Actions.view(total, buffer.ActionSize).to(device);
        var oldLogProbs = buffer.LogProbs.view(total).to(device);
        var advantages = buffer.Advantages.view(total).to(device);
        if (Options.NormalizeAdvantage) advantages = AdvantageNormalization.Normalize(advantages);

        // π_old as constants (the rollout policy: the parameters have not moved yet).
        IActionDistribution oldDistribution;
        using (torch.no_grad())
        {
            var oldWeights = net.Weights().Select(w => w.clone()).ToArray();
            oldDistribution = net.Distribution(net.Forward(observations, oldWeights).Head, oldWeights);
        }

        // Surrogate L(θ) = mean(r_θ A), r = π_θ/π_old, and its gradient g at θ_old.
        var weights = net.Weights();
        var distribution = net.Distribution(net.Forward(observations, weights).Head, weights);
        var surrogate = (advantages * (distribution.LogProb(actions) - oldLogProbs).exp()).mean();
        var gradient = torch.autograd.grad([surrogate], [theta], retain_graph: true)[0].detach();

        // Natural-gradient direction s = (F + λI)⁻¹ g by conjugate gradient on Fisher-vector products.
        var meanKl = DistributionKl.Compute(oldDistribution, distribution).mean();
        var fisherVectorProduct = NaturalGradient.FisherVectorProduct(meanKl, theta, Options.CgDamping);
        var direction = NaturalGradient.ConjugateGradient(fisherVectorProduct, gradient, Options.CgMaxSteps);
        // Largest step along s with the quadratic KL model at the bound: ½β²sᵀFs = δ.
        double sFs = NaturalGradient.Dot(direction, fisherVectorProduct(direction)).item<float>();
        double maxStep = sFs > 0 ? Math.Sqrt(2 * Options.TargetKl / sFs) : 0;

        // Backtracking line search on the true surrogate and KL.
        double oldObjective = surrogate.item<float>();
        var original = theta.detach().clone();
        double lastKl = 0, lastObjective = oldObjective;
        (double, double) Evaluate(double fraction)
        {
            using var evalScope = torch.NewDisposeScope();
            using var _ = torch.no_grad();
            using Scalar stepSize = (fraction * maxStep).ToScalar();
            theta.copy_(original.add(direction.mul(stepSize), TorchScalars.One));
            var w = net.Weights();
            var d = net.Distribution(net.Forward(observations, w).Head, w);
            lastObjective = (advantages * (d.LogProb(actions) - oldLogProbs).exp()).mean().item<float>();
            lastKl = DistributionKl.Compute(oldDistribution, d).mean().item<float>();
            return (lastObjective, lastKl);
        }
        var (accepted, fractionTaken, evaluations) = NaturalGradient.BacktrackingLineSearch(
            Evaluate, oldObjective, Options.TargetKl, Options.LineSearchShrinkingFactor, Options.LineSearchMaxIter);
        if (!accepted) using (torch.no_grad()) theta.copy_(original);

        double entropy = oldDistribution.Entropy().mean().item<float>();
        return new TrustRegionStepResult(oldObjective, lastObjective, lastKl, accepted, fractionTaken, evaluations, entropy);
    }

    // The critic: n_critic_updates epochs of shuffled minibatch steps, the same loop on either backend.
    (double LossSum, int Steps) FitCritic(double learningRate)
    {
        int total = Core.Buffer.NumSteps * Core.Buffer.NumEnvs;
        if (_permutation.Length != total) _permutation = new long[total];
        double valueLossSum = 0;
        int valueSteps = 0;
        _critic.BeginUpdate();
        for (int epoch = 0; epoch < Options.NCriticUpdates; epoch++)
        {
            Core.DrawPermutation(_permutation);
            for (int start = 0; start < total; start += Options.BatchSize, valueSteps++)
                valueLossSum += _critic.Step(_permutation.AsSpan(start, Math.Min(Options.BatchSize, total - start)), learningRate);
        }
        return (valueLossSum, valueSteps);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) (_critic as IDisposable)?.Dispose();
        base.Dispose(disposing);
    }
}
