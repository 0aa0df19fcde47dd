using System.Globalization;
using System.Runtime.InteropServices;
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
public sealed class A2c : IAlgorithm, ISavableAlgorithm
{
    readonly OnPolicyCore _core;
    readonly IFlatOptimizer _optimizer;
    readonly NativeRolloutGradient? _native;
    readonly float[] _advantages = [];

    /// <summary>A2C on <paramref name="options"/>.NEnvs copies of a registered environment.</summary>
    public A2c(string envId, A2cOptions? options = null, long seed = 0, Device? device = null)
        : this(OnPolicyCore.MakeVectorEnv(envId, Checked(options).NEnvs, null), options, seed, device) =>
        _core.Source = new AlgorithmContext(envId, seed, _core.Device);

    /// <summary>A2C as the run layer builds it (registry entry "a2c").</summary>
    public A2c(A2cOptions options, AlgorithmContext context)
        : this(OnPolicyCore.MakeVectorEnv(context.EnvId, Checked(options).NEnvs, context.EnvKwargs), options, context.Seed, context.Device)
    {
        _core.Source = context;
        if (context.Deterministic) torch.set_num_threads(1);
    }

    /// <summary>A2C on a vector env you built (its NumEnvs overrides <c>n_envs</c>).</summary>
    public A2c(IVectorEnv env, A2cOptions? options = null, long seed = 0, Device? device = null)
    {
        Options = Checked(options) with { NEnvs = env.NumEnvs };
        _core = new OnPolicyCore(env, Options.Policy, Options.NSteps, Options.Gamma,
            Options.NormalizeObservations, Options.NormalizeRewards, seed, device);
        _optimizer = Options.UseRmsProp
            ? new FlatRmsProp(_core.Net.Parameters, Options.RmsPropAlpha, Options.RmsPropEps)
            : new FlatAdam(_core.Net.Parameters, epsilon: 1e-5);
        try
        {
            // The native C# SIMD rollout and update (OnPolicy/NativeRolloutGradient.cs) where they apply.
            if (_core.UseBackend(Options.Backend) is { } layout)
            {
                _native = new NativeRolloutGradient(_core, layout);
                _advantages = new float[_native.Rows];
            }
        }
        catch { _optimizer.Dispose(); _core.Dispose(); throw; } // backend=native on an unsupported setup
    }

    /// <inheritdoc />
    public string Backend => _core.Backend;

    static A2cOptions Checked(A2cOptions? options) => OptionsValidation.Checked(options);

    /// <summary>The options in use.</summary>
    public A2cOptions Options { get; }

    /// <inheritdoc />
    public string Name => "a2c";

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
            // n-step returns (λ = 1) bootstrapped from V(s_T), and from V(final observation) on truncation.
            _core.Buffer.ComputeAdvantages(Options.Gamma, Options.GaeLambda);
            return _native is null ? UpdateLibTorch(learningRate) : UpdateNative(learningRate);
        });

    // The definition: the tensor composition, differentiated by autograd.
    Dictionary<string, double> UpdateLibTorch(double learningRate)
    {
        using var scope = torch.NewDisposeScope();
        var buffer = _core.Buffer;
        int total = buffer.NumSteps * buffer.NumEnvs;
        var device = _core.Device;
        var observations = buffer.Observations.view(total, buffer.ObservationSize).to(device);
        var actions = buffer.Actions.view(total, buffer.ActionSize).to(device);
        var advantages = buffer.Advantages.view(total).to(device);
        var returns = buffer.Returns.view(total).to(device);
        if (Options.NormalizeAdvantage) advantages = AdvantageNormalization.Normalize(advantages);

        // One pass over the whole rollout: a single gradient step per rollout.
        var weights = _core.Net.Weights();
        var (head, values) = _core.Net.Forward(observations, weights);
        var distribution = _core.Net.Distribution(head, weights);
        var logProbs = distribution.LogProb(actions);
        var entropy = distribution.Entropy().mean();

        var policyLoss = PolicyGradientLoss.Compute(logProbs, advantages).mean(); // −A·log π (Williams 1992)
        var valueLoss = ValueLoss.Compute(values, returns).mean();                 // (V − R)²
        var loss = policyLoss + Options.VfCoef * valueLoss;
        if (Options.EntCoef != 0) loss = loss + Options.EntCoef * EntropyBonus.Compute(entropy);

        _core.Net.Parameters.ZeroGrad();
        loss.backward();
        var gradNorm = _core.Net.Parameters.ClipGradNorm(Options.MaxGradNorm);
        _optimizer.Step(learningRate);

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
        var buffer = _core.Buffer;
        MemoryMarshal.Cast<byte, float>(buffer.Advantages.bytes).CopyTo(_advantages);
        if (Options.NormalizeAdvantage) NativeAdvantageNormalization.Normalize(_advantages);
        _native!.Forward();
        var terms = _native.Backward(_advantages, MemoryMarshal.Cast<byte, float>(buffer.Returns.bytes), default, Options.VfCoef, Options.EntCoef);
        float gradNorm = NativeAdam.ClipGradNorm(MemoryMarshal.Cast<byte, float>(_core.Net.Parameters.Grad.bytes), Options.MaxGradNorm);
        _optimizer.StepNative(learningRate);
        return new Dictionary<string, double>
        {
            ["policy_loss"] = terms.PolicyLoss,
            ["value_loss"] = terms.ValueLoss,
            ["entropy"] = terms.Entropy,
            ["grad_norm"] = gradNorm,
            ["explained_variance"] = ExplainedVariance.Compute(buffer.Values, buffer.Returns),
            ["learning_rate"] = learningRate,
        };
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
        _optimizer.Capture(state);
        return state;
    }

    /// <inheritdoc />
    public void RestoreState(TrainingState state)
    {
        _core.Restore(state);
        _optimizer.Restore(state);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _optimizer.Dispose();
        _core.Dispose();
    }
}
