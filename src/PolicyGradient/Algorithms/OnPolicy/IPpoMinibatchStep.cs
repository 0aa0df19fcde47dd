namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// One PPO minibatch step (details 7–12: advantage normalization, clipped surrogate, value loss,
/// entropy bonus, target-KL check, gradient clipping, Adam) on a backend: <see cref="TensorPpoStep"/>
/// (libtorch with autograd, the definition) or <see cref="NativePpoStep"/> (C# SIMD kernels).
/// <see cref="Ppo"/> owns the loop over epochs and minibatches.
/// </summary>
internal interface IPpoMinibatchStep
{
    /// <summary>Reads the rollout buffer once, before the first minibatch of an update.</summary>
    void BeginUpdate();

    /// <summary>
    /// One step on the rollout rows <paramref name="indices"/>. Returns false, without stepping, when
    /// the minibatch's approx-KL exceeds 1.5 × target_kl (the early stop; SB3 checks before the step).
    /// </summary>
    bool Step(ReadOnlySpan<long> indices, double learningRate, double clipRange);

    /// <summary>Per-minibatch diagnostics summed over the update's steps: policy loss, value loss, entropy, approx-KL, clip fraction, grad norm.</summary>
    double[] EndUpdate();
}
