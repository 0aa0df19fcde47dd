namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// One minibatch step of a critic fitted on its own (TRPO's value function): the value loss
/// mean (V − R)² on the given rollout rows, its gradient and an optimizer step, on a backend —
/// <see cref="TensorCriticStep"/> (libtorch with autograd, the definition) or
/// <see cref="NativeCriticStep"/> (C# SIMD kernels). <see cref="Trpo"/> owns the epoch loop.
/// </summary>
internal interface ICriticStep
{
    /// <summary>Reads the rollout buffer once, before the first minibatch of an update.</summary>
    void BeginUpdate();

    /// <summary>One step on the rollout rows <paramref name="indices"/>; returns the minibatch's value loss.</summary>
    double Step(ReadOnlySpan<long> indices, double learningRate);
}
