using PolicyGradient.Core;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Hyperparameters of <see cref="Td3"/>. Defaults are Stable-Baselines3 2.4's TD3 defaults:
/// learning_rate 1e-3, buffer_size 1e6, learning_starts 100, batch_size 256, tau 0.005, gamma 0.99,
/// train_freq 1, gradient_steps 1, policy_delay 2, target_policy_noise 0.2, target_noise_clip 0.5,
/// no action noise, net_arch [400, 300] with ReLU.
/// </summary>
public sealed record Td3Options : OffPolicyOptions
{
    /// <summary>SB3's TD3 defaults for the shared options.</summary>
    public Td3Options()
    {
        LearningRate = 1e-3;
        NetArch = [400, 300];
    }

    /// <summary>Critic steps per actor and target update (TD3's delayed policy update). SB3: 2.</summary>
    [ConfigRange(1, 1e6)]
    public int PolicyDelay { get; init; } = 2;

    /// <summary>σ of the target policy smoothing noise. SB3: 0.2.</summary>
    [ConfigRange(0, 100)]
    public double TargetPolicyNoise { get; init; } = 0.2;

    /// <summary>Clip c of the target policy smoothing noise. SB3: 0.5.</summary>
    [ConfigRange(0, 100)]
    public double TargetNoiseClip { get; init; } = 0.5;
}
