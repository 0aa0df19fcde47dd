using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Core;
using PolicyGradient.Environments.Vector;
using PolicyGradient.Optimizers;
using PolicyGradient.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms;

/// <summary>
/// The plumbing the on-policy algorithms share, so each algorithm file holds only its update: the
/// three ways to build one (registered env id, run-layer context, your own vector env), the
/// <see cref="OnPolicyCore"/> (envs, flat actor-critic, rollout, normalization, generators), the
/// optimizer's checkpoint state, prediction, counters and disposal. The training loop itself
/// (<see cref="IAlgorithm.Learn"/>) and the update are each algorithm's own.
/// </summary>
public abstract class OnPolicyAlgorithm<TOptions> : IAlgorithm, ISavableAlgorithm, IOnPolicyInternals, IMaskedPredictor where TOptions : OnPolicyOptions, new()
{
    private protected OnPolicyAlgorithm(string envId, TOptions? options, long seed, Device? device)
        : this(OnPolicyCore.MakeVectorEnv(envId, Checked(options).NEnvs, null), options, seed, device) =>
        Core.Source = new AlgorithmContext(envId, seed, Core.Device);

    private protected OnPolicyAlgorithm(TOptions options, AlgorithmContext context)
        : this(OnPolicyCore.MakeVectorEnv(context.EnvId, Checked(options).NEnvs, context.EnvKwargs), options, context.Seed, context.Device)
    {
        Core.Source = context;
        if (context.Deterministic) torch.set_num_threads(1);
    }

    private protected OnPolicyAlgorithm(IVectorEnv env, TOptions? options, long seed, Device? device)
    {
        Options = (TOptions)(Checked(options) with { NEnvs = env.NumEnvs });
        Core = new OnPolicyCore(env, Options.Policy, Options.NSteps, Options.Gamma,
            Options.NormalizeObservations, Options.NormalizeRewards, seed, device, Options.UseActionMasks) { DiagnoseEvery = Options.DiagnoseEvery };
    }

    static TOptions Checked(TOptions? options) => OptionsValidation.Checked(options);

    /// <summary>What every algorithm's training shares (rollout, envs, network, generators).</summary>
    private protected OnPolicyCore Core { get; }

    OnPolicyCore IOnPolicyInternals.Core => Core;

    double IOnPolicyInternals.Gamma => Options.Gamma;

    /// <summary>The optimizer whose state goes into checkpoints ("optimizer.*"); set by the derived constructor.</summary>
    private protected IFlatOptimizer Optimizer { get; set; } = null!;

    /// <summary>
    /// Sets the optimizer and resolves the backend with <paramref name="build"/> (given the native
    /// layout, or null for libtorch); on an error (backend=native on an unsupported setup) it releases
    /// what was built and rethrows.
    /// </summary>
    private protected void Initialize(IFlatOptimizer optimizer, Action<ActorCriticLayout?> build)
    {
        Optimizer = optimizer;
        try { build(Core.UseBackend(Options.Backend)); }
        catch { Dispose(); throw; }
    }

    /// <summary>The options in use.</summary>
    public TOptions Options { get; }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public string Backend => Core.Backend;

    /// <inheritdoc />
    public long NumTimesteps => Core.NumTimesteps;

    /// <inheritdoc />
    public int NumUpdates => Core.NumUpdates;

    /// <summary>The actor-critic module, with the trained weights copied in.</summary>
    public ActorCriticPolicy Policy { get { Core.Net.SyncToPolicy(); return Core.Net.Policy; } }

    /// <inheritdoc />
    public abstract void Learn(long totalTimesteps, ITrainingCallback? callback = null);

    /// <inheritdoc />
    public float[] Predict(ReadOnlySpan<float> observation, bool deterministic = true) => Core.Predict(observation, deterministic);

    /// <inheritdoc />
    public float[] Predict(ReadOnlySpan<float> observations, int batch, bool deterministic = true) => Core.Predict(observations, batch, deterministic);

    /// <inheritdoc />
    public float[] Predict(ReadOnlySpan<float> observation, ReadOnlySpan<bool> actionMask, bool deterministic = true) => Core.Predict(observation, actionMask, deterministic);

    OnPolicyCore ISavableAlgorithm.Core => Core;
    object IRebuildableAlgorithm.OptionsRecord => Options;

    /// <inheritdoc />
    public TrainingState CaptureState()
    {
        var state = new TrainingState();
        Core.Capture(state);
        Optimizer.Capture(state);
        CaptureExtra(state);
        return state;
    }

    /// <inheritdoc />
    public void RestoreState(TrainingState state)
    {
        Core.Restore(state);
        using var _ = torch.no_grad();
        Optimizer.Restore(state);
        RestoreExtra(state);
    }

    /// <summary>Algorithm-specific checkpoint values (e.g. REINFORCE's running baseline).</summary>
    private protected virtual void CaptureExtra(TrainingState state) { }

    /// <summary>Restores what <see cref="CaptureExtra"/> wrote.</summary>
    private protected virtual void RestoreExtra(TrainingState state) { }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the optimizer state, the network, the buffers and the envs.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        Optimizer?.Dispose();
        Core.Dispose();
    }
}
