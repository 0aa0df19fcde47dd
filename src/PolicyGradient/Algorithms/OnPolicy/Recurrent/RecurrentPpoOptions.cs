using PolicyGradient.Core;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Hyperparameters of <see cref="RecurrentPpo"/> (<c>pg train ppo-lstm</c>). PPO's keys (<see cref="ClippedSurrogateOptions"/>) with
/// Stable-Baselines3's PPO defaults, plus sb3-contrib's RecurrentPPO policy keywords (lstm_hidden_size
/// 256, n_lstm_layers 1, shared_lstm false, enable_critic_lstm true) and its n_steps default of 128.
/// Always on libtorch (backend=native is refused: the native kernels have no LSTM).
/// </summary>
public sealed record RecurrentPpoOptions : ClippedSurrogateOptions
{
    /// <summary>sb3-contrib's RecurrentPPO defaults for the shared options: learning_rate 3e-4, n_steps 128, n_envs 1, batch_size 128.</summary>
    public RecurrentPpoOptions()
    {
        LearningRate = 3e-4;
        NSteps = 128;
        NEnvs = 1;
        NormalizeAdvantage = true;
        BatchSize = 128;
    }

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
        if (SharedLstm && EnableCriticLstm)
            yield return "shared_lstm=true and enable_critic_lstm=true contradict each other (the critic either reads the actor's LSTM or has its own); set enable_critic_lstm=false to share";
        if (Backend == ComputeBackend.Native)
            yield return "ppo-lstm runs on libtorch (the native kernels have no LSTM); set backend=auto or backend=libtorch";
        if (Policy.ShareTrunk)
            yield return "ppo-lstm keeps separate actor and critic MLPs after the LSTMs; set policy.share_trunk=false (shared_lstm=true shares the recurrent part)";
    }
}
