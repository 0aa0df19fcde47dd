using System.Globalization;
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
public sealed class Trpo : IAlgorithm, ISavableAlgorithm
{
    readonly OnPolicyCore _core;
    readonly FlatAdam _valueOptimizer;
    readonly NativeCriticUpdate? _nativeCritic;

    /// <summary>TRPO on <paramref name="options"/>.NEnvs copies of a registered environment.</summary>
    public Trpo(string envId, TrpoOptions? options = null, long seed = 0, Device? device = null)
        : this(OnPolicyCore.MakeVectorEnv(envId, Checked(options).NEnvs, null), options, seed, device) =>
        _core.Source = new AlgorithmContext(envId, seed, _core.Device);

    /// <summary>TRPO as the run layer builds it (registry entry "trpo").</summary>
    public Trpo(TrpoOptions options, AlgorithmContext context)
        : this(OnPolicyCore.MakeVectorEnv(context.EnvId, Checked(options).NEnvs, context.EnvKwargs), options, context.Seed, context.Device)
    {
        _core.Source = context;
        if (context.Deterministic) torch.set_num_threads(1);
    }

    /// <summary>TRPO on a vector env you built (its NumEnvs overrides <c>n_envs</c>).</summary>
    public Trpo(IVectorEnv env, TrpoOptions? options = null, long seed = 0, Device? device = null)
    {
        Options = Checked(options) with { NEnvs = env.NumEnvs };
        _core = new OnPolicyCore(env, Options.Policy, Options.NSteps, Options.Gamma,
            Options.NormalizeObservations, Options.NormalizeRewards, seed, device);
        // The critic's optimizer. The value loss gives the actor's entries exactly zero gradient, so
        // Adam leaves them in place: only the trust-region step moves the policy.
        _valueOptimizer = new FlatAdam(_core.Net.Parameters, epsilon: 1e-5);
        // Native rollout inference and critic updates (OnPolicy/NativeCriticUpdate.cs) where they apply.
        try { _nativeCritic = _core.UseBackend(Options.Backend) is { } layout ? new NativeCriticUpdate(_core, layout, Options.BatchSize) : null; }
        catch { _valueOptimizer.Dispose(); _core.Dispose(); throw; } // backend=native on an unsupported setup
    }

    /// <inheritdoc />
    public string Backend => _core.Backend;

    static TrpoOptions Checked(TrpoOptions? options) => OptionsValidation.Checked(options);

    /// <summary>The options in use.</summary>
    public TrpoOptions Options { get; }

    /// <inheritdoc />
    public string Name => "trpo";

    /// <inheritdoc />
    public long NumTimesteps => _core.NumTimesteps;

    /// <inheritdoc />
    public int NumUpdates => _core.NumUpdates;

    /// <summary>The actor-critic module, with the trained weights copied in.</summary>
    public ActorCriticPolicy Policy { get { _core.Net.SyncToPolicy(); return _core.Net.Policy; } }

    /// <inheritdoc />
    public void Learn(long totalTimesteps, ITrainingCallback? callback = null) =>
        _core.Learn(this, totalTimesteps, callback, progressRemaining =>
        {
            double learningRate = Options.LearningRate.Value(progressRemaining);
            _core.Buffer.ComputeAdvantages(Options.Gamma, Options.GaeLambda);
            return Update(learningRate);
        });

    Dictionary<string, double> Update(double learningRate)
    {
        using var scope = torch.NewDisposeScope();
        var buffer = _core.Buffer;
        var net = _core.Net;
        var theta = net.Parameters.Data;
        int total = buffer.NumSteps * buffer.NumEnvs;
        var device = _core.Device;
        var observations = buffer.Observations.view(total, buffer.ObservationSize).to(device);
        var actions = buffer.Actions.view(total, buffer.ActionSize).to(device);
        var oldLogProbs = buffer.LogProbs.view(total).to(device);
        var advantages = buffer.Advantages.view(total).to(device);
        var returns = buffer.Returns.view(total).to(device);
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
            theta.copy_(original + (fraction * maxStep) * direction);
            var w = net.Weights();
            var d = net.Distribution(net.Forward(observations, w).Head, w);
            lastObjective = (advantages * (d.LogProb(actions) - oldLogProbs).exp()).mean().item<float>();
            lastKl = DistributionKl.Compute(oldDistribution, d).mean().item<float>();
            return (lastObjective, lastKl);
        }
        var (accepted, fractionTaken, evaluations) = NaturalGradient.BacktrackingLineSearch(
            Evaluate, oldObjective, Options.TargetKl, Options.LineSearchShrinkingFactor, Options.LineSearchMaxIter);
        if (!accepted) using (torch.no_grad()) theta.copy_(original);

        // Critic: n_critic_updates epochs of shuffled minibatches, (V − R)², Adam on the value entries.
        var (valueLossSum, valueSteps) = _nativeCritic?.Run(Options.NCriticUpdates, _valueOptimizer, learningRate)
            ?? FitCritic(observations, returns, learningRate);

        return new Dictionary<string, double>
        {
            ["policy_objective"] = oldObjective,
            ["policy_loss"] = -(accepted ? lastObjective : oldObjective),
            ["approx_kl"] = accepted ? lastKl : 0,
            ["line_search_success"] = accepted ? 1 : 0,
            ["line_search_evaluations"] = evaluations,
            ["step_fraction"] = fractionTaken,
            ["value_loss"] = valueLossSum / Math.Max(valueSteps, 1),
            ["entropy"] = oldDistribution.Entropy().mean().item<float>(),
            ["explained_variance"] = ExplainedVariance.Compute(buffer.Values, buffer.Returns),
            ["learning_rate"] = learningRate,
        };
    }

    // The critic fit in tensor ops (the definition of NativeCriticUpdate).
    (double LossSum, int Steps) FitCritic(Tensor observations, Tensor returns, double learningRate)
    {
        var net = _core.Net;
        int total = (int)observations.shape[0];
        double valueLossSum = 0; int valueSteps = 0;
        for (int epoch = 0; epoch < Options.NCriticUpdates; epoch++)
        {
            using var epochScope = torch.NewDisposeScope();
            var permutation = torch.randperm(total, generator: _core.Generator).to(_core.Device);
            for (int start = 0; start < total; start += Options.BatchSize)
            {
                using var minibatchScope = torch.NewDisposeScope();
                var index = permutation.narrow(0, start, Math.Min(Options.BatchSize, total - start));
                var values = net.Forward(observations.index_select(0, index)).Value;
                var valueLoss = ValueLoss.Compute(values, returns.index_select(0, index)).mean();
                net.Parameters.ZeroGrad();
                valueLoss.backward();
                _valueOptimizer.Step(learningRate);
                valueLossSum += valueLoss.item<float>();
                valueSteps++;
            }
        }
        return (valueLossSum, valueSteps);
    }

    /// <inheritdoc />
    public float[] Predict(ReadOnlySpan<float> observation, bool deterministic = true) => _core.Predict(observation, deterministic);

    /// <inheritdoc />
    public float[] Predict(ReadOnlySpan<float> observations, int batch, bool deterministic = true) => _core.Predict(observations, batch, deterministic);



    OnPolicyCore ISavableAlgorithm.Core => _core;
    object ISavableAlgorithm.OptionsRecord => Options;

    /// <inheritdoc />
    public TrainingState CaptureState()
    {
        var state = new TrainingState();
        _core.Capture(state);
        _valueOptimizer.Capture(state);
        return state;
    }

    /// <inheritdoc />
    public void RestoreState(TrainingState state)
    {
        _core.Restore(state);
        using var _ = torch.no_grad();
        _valueOptimizer.Restore(state);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _valueOptimizer.Dispose();
        _core.Dispose();
    }
}
