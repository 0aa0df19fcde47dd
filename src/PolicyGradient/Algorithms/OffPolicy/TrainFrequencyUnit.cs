namespace PolicyGradient.Algorithms;

/// <summary>
/// What <c>train_freq</c> counts between trainings of an off-policy algorithm (config key
/// <c>train_freq_unit</c>; SB3 writes the pair as <c>train_freq=(n, "step")</c> or <c>(n, "episode")</c>).
/// </summary>
public enum TrainFrequencyUnit
{
    /// <summary>train_freq vector-env steps (SB3's default).</summary>
    Step,

    /// <summary>train_freq finished episodes, summed over the env copies (rl-baselines3-zoo's TD3/DDPG Pendulum presets use 1).</summary>
    Episode,
}
