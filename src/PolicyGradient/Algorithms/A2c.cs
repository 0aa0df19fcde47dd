using System.Globalization;
using System.Runtime.InteropServices;
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
/// Advantage Actor-Critic, the synchronous variant of A3C (Mnih et al. 2016, "Asynchronous Methods
/// for Deep Reinforcement Learning"; OpenAI baselines' A2C): every n_steps of the N copies, one
/// gradient step on −A·log π + c_vf (V − R)² − c_ent H with n-step (GAE λ = 1) advantages.
/// Defaults follow Stable-Baselines3 (RMSprop α 0.99 ε 1e-5, lr 7e-4, n_steps 5).
/// </summary>
public sealed class A2c : OnPolicyAlgorithm<A2cOptions>
{
    NativeRolloutGradient? _native;
    float[] _advantages = [];

    /// <summary>A2C on <paramref name="options"/>.NEnvs copies of a registered environment.</summary>
    public A2c(string envId, A2cOptions? options = null, long seed = 0, Device? device = null) : base(envId, options, seed, device) => Build();

    /// <summary>A2C as the run layer builds it (registry entry "a2c").</summary>
    public A2c(A2cOptions options, AlgorithmContext context) : base(options, context) => Build();

    /// <summary>A2C on a vector env you built (its NumEnvs overrides <c>n_envs</c>).</summary>
    public A2c(IVectorEnv env, A2cOptions? options = null, long seed = 0, Device? device = null) : base(env, options, seed, device) => Build();

    // RMSprop (SB3's default) or Adam; the native rollout and update (OnPolicy/NativeRolloutGradient.cs) where they apply.
    void Build() => Initialize(
        Options.UseRmsProp
            ? new FlatRmsProp(Core.Net.Parameters, Options.RmsPropAlpha, Options.RmsPropEps)
            : new FlatAdam(Core.Net.Parameters, epsilon: 1e-5),
        layout =>
        {
            if (layout is null) return;
            _native = new NativeRolloutGradient(Core, layout);
            _advantages = new float[_native.Rows];
        });

    /// <inheritdoc />
    public override string Name => "a2c";

    /// <inheritdoc />
    public override void Learn(long totalTimesteps, ITrainingCallback? callback = null) =>
        Core.Learn(this, totalTimesteps, callback, progressRemaining =>
        {
            double learningRate = Options.LearningRate.Value(progressRemaining);
            // n-step returns (λ = 1) bootstrapped from V(s_T), and from V(final observation) on truncation.
            // An async cluster batch (stale: acted by older weights) gets V-trace instead (Espeholt et al. 2018).
            if (Core.CorrectsStaleness) Core.ComputeVTraceTargets(Options.Gamma, Options.GaeLambda);
            else Core.Buffer.ComputeAdvantages(Options.Gamma, Options.GaeLambda);
            return _native is null ? UpdateLibTorch(learningRate) : UpdateNative(learningRate);
        });

    // The definition: the tensor composition, differentiated by autograd.
    Dictionary<string, double> UpdateLibTorch(double learningRate)
    {
        using var scope = torch.NewDisposeScope();
        var buffer = Core.Buffer;
        int total = buffer.NumSteps * buffer.NumEnvs;
        var device = Core.Device;
        var observations = buffer.Observations.view(total, buffer.ObservationSize).to(device);
        var actions = buffer.Actions.view(total, buffer.ActionSize).to(device);
        var advantages = buffer.Advantages.view(total).to(device);
        var returns = buffer.Returns.view(total).to(device);
        if (Options.NormalizeAdvantage) advantages = AdvantageNormalization.Normalize(advantages);

        // One pass over the whole rollout: a single gradient step per rollout.
        var weights = Core.Net.Weights();
        var (head, values) = Core.Net.Forward(observations, weights);
        var distribution = Core.Net.Distribution(head, weights, buffer.ActionMasks?.view(total, buffer.ActionMaskSize).to(device));
        var logProbs = distribution.LogProb(actions);
        var entropy = distribution.Entropy().mean();

        var policyLoss = PolicyGradientLoss.Compute(logProbs, advantages).mean(); // −A·log π (Williams 1992)
        var valueLoss = ValueLoss.Compute(values, returns).mean();                 // (V − R)²
        using Scalar vfCoef = Options.VfCoef.ToScalar(), entCoef = Options.EntCoef.ToScalar();
        var loss = policyLoss.add(valueLoss.mul(vfCoef), TorchScalars.One);
        if (Options.EntCoef != 0) loss = loss.add(EntropyBonus.Compute(entropy).mul(entCoef), TorchScalars.One);

        Core.Net.Parameters.ZeroGrad();
        loss.backward();
        var gradNorm = Core.Net.Parameters.ClipGradNorm(Options.MaxGradNorm);
        Optimizer.Step(learningRate);

        return new Dictionary<string, double>
        {
            ["policy_loss"] = policyLoss.item<float>(),
            ["value_loss"] = valueLoss.item<float>(),
            ["entropy"] = entropy.item<float>(),
            ["grad_norm"] = gradNorm.item<float>(),
            ["explained_variance"] = ExplainedVariance.Compute(buffer.Values, buffer.Returns),
            ["learning_rate"] = learningRate,
        };
    }

    // The same update on the native kernels: one forward/backward over the whole rollout, then clipping and the step.
    Dictionary<string, double> UpdateNative(double learningRate)
    {
        var buffer = Core.Buffer;
        MemoryMarshal.Cast<byte, float>(buffer.Advantages.bytes).CopyTo(_advantages);
        if (Options.NormalizeAdvantage) NativeAdvantageNormalization.Normalize(_advantages);
        _native!.Forward();
        var terms = _native.Backward(_advantages, MemoryMarshal.Cast<byte, float>(buffer.Returns.bytes), default, Options.VfCoef, Options.EntCoef);
        float gradNorm = NativeAdam.ClipGradNorm(MemoryMarshal.Cast<byte, float>(Core.Net.Parameters.Grad.bytes), Options.MaxGradNorm);
        Optimizer.StepNative(learningRate);
        return new Dictionary<string, double>
        {
            ["policy_loss"] = terms.PolicyLoss,
            ["value_loss"] = terms.ValueLoss,
            ["entropy"] = terms.Entropy,
            ["grad_norm"] = gradNorm,
            ["explained_variance"] = NativeExplainedVariance.Compute(MemoryMarshal.Cast<byte, float>(buffer.Values.bytes), MemoryMarshal.Cast<byte, float>(buffer.Returns.bytes)),
            ["learning_rate"] = learningRate,
        };
    }
}
