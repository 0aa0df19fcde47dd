using PolicyGradient.Buffers;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// One gradient step of an off-policy actor-critic on a sampled batch: critic update, (delayed) actor
/// update, entropy temperature (SAC) and target networks. Two implementations per algorithm — the
/// tensor objectives on libtorch and the native SIMD kernels — read and write the same state (the
/// networks' <see cref="Optimizers.FlatParameters"/> and <see cref="Optimizers.FlatAdam"/> moments),
/// so checkpoints, resume and the backend switch keep one format.
/// </summary>
internal interface IOffPolicyStep
{
    /// <summary>
    /// Runs gradient step number <paramref name="gradientStep"/> (1-based, counted over the whole run)
    /// on <paramref name="batch"/>. <paramref name="noise"/> holds the standard-normal draws this step
    /// needs (drawn by the caller from the run's generator so both backends consume the same numbers;
    /// its shape is the algorithm's: SAC [2, B, act] for s and s', TD3 [B, act] for target smoothing,
    /// empty where none is needed).
    /// </summary>
    /// <param name="batch">The sampled transitions.</param>
    /// <param name="noise">Standard-normal draws for this step (see above).</param>
    /// <param name="gradientStep">1-based count of gradient steps over the run (TD3's policy delay, target_update_interval).</param>
    /// <param name="learningRate">This step's learning rate (the same for actor, critic and temperature, as SB3).</param>
    OffPolicyStepMetrics Step(ReplayBatch batch, Tensor noise, long gradientStep, double learningRate);
}

/// <summary>What one gradient step reports (NaN where a quantity does not apply or was not updated this step).</summary>
internal readonly record struct OffPolicyStepMetrics(double CriticLoss, double ActorLoss, double MeanQ,
    double Entropy = double.NaN, double Alpha = double.NaN, double AlphaLoss = double.NaN);
