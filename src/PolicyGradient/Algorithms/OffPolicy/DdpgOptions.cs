namespace PolicyGradient.Algorithms;

/// <summary>
/// Hyperparameters of <see cref="Ddpg"/>. Defaults are Stable-Baselines3 2.4's DDPG defaults:
/// learning_rate 1e-3, buffer_size 1e6, learning_starts 100, batch_size 256, tau 0.005, gamma 0.99,
/// train_freq 1, gradient_steps 1, no action noise, net_arch [400, 300] with ReLU. As in SB3, DDPG is
/// TD3 with one critic, policy_delay 1 and no target policy smoothing.
/// </summary>
public sealed record DdpgOptions : OffPolicyOptions
{
    /// <summary>SB3's DDPG defaults for the shared options.</summary>
    public DdpgOptions()
    {
        LearningRate = 1e-3;
        NetArch = [400, 300];
    }
}
