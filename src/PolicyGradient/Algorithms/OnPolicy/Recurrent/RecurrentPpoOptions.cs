using PolicyGradient.Core;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Hyperparameters of <see cref="RecurrentPpo"/> (<c>pg train ppo-lstm</c>). PPO's keys with
/// Stable-Baselines3's PPO defaults, plus sb3-contrib's RecurrentPPO policy keywords (lstm_hidden_size
/// 256, n_lstm_layers 1, shared_lstm false, enable_critic_lstm true) and its n_steps default of 128.
/// Always on libtorch (backend=native is refused: the native kernels have no LSTM).
/// </summary>
public sealed record RecurrentPpoOptions : OnPolicyOptions
{
    /// <summary>sb3-contrib's RecurrentPPO defaults for the shared options: learning_rate 3e-4, n_steps 128, n_envs 1.</summary>
    public RecurrentPpoOptions()
    {
        LearningRate = 3e-4;
        NSteps = 128;
        NEnvs = 1;
        NormalizeAdvantage = true;
    }

    /// <summary>Minibatch size in steps (whole sequences are cut from consecutive steps). sb3-contrib: 128.</summary>
    [ConfigRange(1, 1e8)]
    public int BatchSize { get; init; } = 128;

    /// <summary>Passes over each rollout. SB3: 10.</summary>
    [ConfigRange(1, 1000)]
    public int NEpochs { get; init; } = 10;

    /// <summary>GAE λ. SB3: 0.95.</summary>
    [ConfigRange(0, 1)]
    public double GaeLambda { get; init; } = 0.95;

    /// <summary>Surrogate clip ε, constant or linear ("lin_0.2"). SB3: 0.2.</summary>
    [ConfigRange(0, 10, MinimumExclusive = true)]
    public Schedule ClipRange { get; init; } = 0.2;

    /// <summary>Value-function clip around the rollout's values; null disables it (SB3 default: None).</summary>
    [ConfigRange(0, 1e6, MinimumExclusive = true)]
    public double? ClipRangeVf { get; init; }

    /// <summary>Entropy bonus coefficient. SB3: 0.0.</summary>
    [ConfigRange(0, 1e3)]
    public double EntCoef { get; init; }

    /// <summary>Value loss coefficient. SB3: 0.5.</summary>
    [ConfigRange(0, 1e3)]
    public double VfCoef { get; init; } = 0.5;

    /// <summary>Global gradient-norm clip. SB3: 0.5.</summary>
    [ConfigRange(0, 1e6, MinimumExclusive = true)]
    public double MaxGradNorm { get; init; } = 0.5;

    /// <summary>Stop the epochs of an update once approx-KL exceeds 1.5 × this; null disables (SB3: None).</summary>
    [ConfigRange(0, 1e3, MinimumExclusive = true)]
    public double? TargetKl { get; init; }

    /// <summary>Hidden size of each LSTM. sb3-contrib: 256.</summary>
    [ConfigRange(1, 1e5)]
    public int LstmHiddenSize { get; init; } = 256;

    /// <summary>Stacked LSTM layers. sb3-contrib: 1.</summary>
    [ConfigRange(1, 64)]
    public int NLstmLayers { get; init; } = 1;

    /// <summary>The critic reads the actor's LSTM output (no gradient into it from the value loss). sb3-contrib: false.</summary>
    public bool SharedLstm { get; init; }

    /// <summary>The critic has its own LSTM (when false and shared_lstm false: a linear layer instead). sb3-contrib: true.</summary>
    public bool EnableCriticLstm { get; init; } = true;

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (string problem in base.Validate()) yield return problem;
        long rollout = (long)NSteps * NEnvs;
        if (BatchSize > rollout)
            yield return $"batch_size ({BatchSize}) must be <= n_steps * n_envs ({NSteps} * {NEnvs} = {rollout}); lower batch_size or raise n_steps";
        if (ClipRange.Initial <= 0) yield return $"clip_range must be > 0, got {ClipRange}";
        if (SharedLstm && EnableCriticLstm)
            yield return "shared_lstm=true and enable_critic_lstm=true contradict each other (the critic either reads the actor's LSTM or has its own); set enable_critic_lstm=false to share";
        if (Backend == ComputeBackend.Native)
            yield return "ppo-lstm runs on libtorch (the native kernels have no LSTM); set backend=auto or backend=libtorch";
        if (Policy.ShareTrunk)
            yield return "ppo-lstm keeps separate actor and critic MLPs after the LSTMs; set policy.share_trunk=false (shared_lstm=true shares the recurrent part)";
    }
}
