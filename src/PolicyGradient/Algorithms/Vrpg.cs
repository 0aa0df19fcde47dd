using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Core;
using PolicyGradient.Interop;
using PolicyGradient.Environments.Vector;
using PolicyGradient.Optimizers;
using PolicyGradient.VarianceReduction;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Momentum variance-reduced policy gradient (registry name "vrpg"): REINFORCE with a learned value baseline whose
/// step follows the STORM-style recursive direction of IS-MBPG (Huang et al. 2020; STORM: Cutkosky and Orabona 2019;
/// STORM-PG: Yuan et al. 2020)
/// <code>d_t = g(τ_t; θ_t) + (1 − β)(d_{t−1} − w·g(τ_t; θ_{t−1})),   w = π_{θ_{t−1}}(τ) / π_{θ_t}(τ) per trajectory, clipped to [1/c, c]</code>
/// where g(τ; θ) is the batch's REINFORCE estimate evaluated at θ: the previous direction, corrected by how the
/// gradient changed between θ_{t−1} and θ_t on the same batch, so that the noise of both evaluations largely
/// cancels. A composition: the rollout (OnPolicyCore), the estimate on it at both parameter vectors
/// (<see cref="VrpgBatchGradients"/>), the trajectory weights (<see cref="TrajectoryWeights"/>) and the recursion
/// (<see cref="StormRecursion"/>). The step is Adam on d_t plus the critic's own gradient (IS-MBPG uses plain
/// steps with a decaying size and β_t; Adam and a constant β are this library's choice). d_{t−1} and θ_{t−1} are
/// checkpointed, so a resumed run continues the recursion. The update runs on libtorch; the rollout uses the native
/// kernels where they apply.
/// </summary>
public sealed class Vrpg : OnPolicyAlgorithm<VrpgOptions>
{
    Tensor? _previousDirection, _previousParameters;
    Diagnostics.VrpgVarianceProbe? _probe;

    /// <summary>VRPG on <paramref name="options"/>.NEnvs copies of a registered environment.</summary>
    public Vrpg(string envId, VrpgOptions? options = null, long seed = 0, Device? device = null) : base(envId, options, seed, device) => Build();

    /// <summary>VRPG as the run layer builds it (registry entry "vrpg").</summary>
    public Vrpg(VrpgOptions options, AlgorithmContext context) : base(options, context) => Build();

    /// <summary>VRPG on a vector env you built (its NumEnvs overrides <c>n_envs</c>; the variance probe needs a registered env id).</summary>
    public Vrpg(IVectorEnv env, VrpgOptions? options = null, long seed = 0, Device? device = null) : base(env, options, seed, device) => Build();

    void Build() => Initialize(new FlatAdam(Core.Net.Parameters), _ => { });

    /// <inheritdoc />
    public override string Name => "vrpg";

    /// <summary>d_{t−1}, the last step's direction (a loss gradient, flat), or null before the first update.</summary>
    internal Tensor? PreviousDirection => _previousDirection;

    /// <summary>θ_{t−1}, the parameters before the last step (flat), or null before the first update.</summary>
    internal Tensor? PreviousParameters => _previousParameters;

    /// <inheritdoc />
    public override void Learn(long totalTimesteps, ITrainingCallback? callback = null)
    {
        if (Options.VarianceProbeEvery > 0 && _probe is null)
            _probe = new Diagnostics.VrpgVarianceProbe(Core, Options);
        Core.Learn(this, totalTimesteps, callback, progressRemaining => Update(Options.LearningRate.Value(progressRemaining)));
    }

    Dictionary<string, double> Update(double learningRate)
    {
        using var scope = torch.NewDisposeScope();
        var batch = VrpgBatchGradients.Compute(Core, Options, _previousParameters);
        if (batch is null) return new() { ["learning_rate"] = learningRate, ["valid_fraction"] = 0 }; // no episode finished yet
        var metrics = batch.Metrics;
        metrics["learning_rate"] = learningRate;
        var direction = batch.Correction is null || _previousDirection is null ? batch.Policy
            : StormRecursion.Direction(_previousDirection, batch.Policy, batch.Correction, weight: 1, Options.Beta);
        if (_probe is not null && (Core.NumUpdates + 1) % Options.VarianceProbeEvery == 0)
            _probe.Measure(this, _previousParameters, _previousDirection, metrics);
        var theta = Core.Net.Parameters.Data.detach().clone();

        Core.Net.Parameters.ZeroGrad();
        using (torch.no_grad()) Core.Net.Parameters.Grad.copy_(direction.add(batch.Critic, TorchScalars.One));
        metrics["direction_norm"] = direction.norm().item<float>();
        metrics["plain_gradient_norm"] = batch.Policy.norm().item<float>();
        metrics["grad_norm"] = Core.Net.Parameters.ClipGradNorm(Options.MaxGradNorm).item<float>();
        Optimizer.Step(learningRate);
        Core.NativeRollout?.WeightsChanged();
        Keep(ref _previousDirection, direction);
        Keep(ref _previousParameters, theta);
        return metrics;
    }

    // Replaces a kept tensor with a copy of `value` that outlives the update's dispose scope.
    static void Keep(ref Tensor? slot, Tensor value)
    {
        slot?.Dispose();
        slot = value.detach().clone().DetachFromDisposeScope();
    }

    /// <inheritdoc />
    private protected override void CaptureExtra(TrainingState state)
    {
        state.Values["vrpg.started"] = _previousDirection is null ? "false" : "true";
        if (_previousDirection is null || _previousParameters is null) return;
        state.Tensors["vrpg.previous_direction"] = _previousDirection.detach().clone();
        state.Tensors["vrpg.previous_parameters"] = _previousParameters.detach().clone();
    }

    /// <inheritdoc />
    private protected override void RestoreExtra(TrainingState state)
    {
        _previousDirection?.Dispose();
        _previousParameters?.Dispose();
        (_previousDirection, _previousParameters) = (null, null);
        if (OnPolicyCore.RequireValue(state, "vrpg.started") != "true") return;
        _previousDirection = OnPolicyCore.Require(state, "vrpg.previous_direction").to(Core.Device).clone().DetachFromDisposeScope();
        _previousParameters = OnPolicyCore.Require(state, "vrpg.previous_parameters").to(Core.Device).clone().DetachFromDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _previousDirection?.Dispose();
            _previousParameters?.Dispose();
            _probe?.Dispose();
        }
        base.Dispose(disposing);
    }
}
