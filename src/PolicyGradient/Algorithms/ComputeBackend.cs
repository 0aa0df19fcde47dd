namespace PolicyGradient.Algorithms;

/// <summary>
/// Which code computes an on-policy algorithm's network passes and update (config key <c>backend</c>
/// of ppo, a2c, reinforce and trpo).
/// </summary>
public enum ComputeBackend
{
    /// <summary>Native when the setup supports it (CPU; MLP actor-critic with tanh or ReLU; Box observations; Discrete or Box actions), else LibTorch.</summary>
    Auto,

    /// <summary>TorchSharp/libtorch tensor ops with autograd: any device, any policy.</summary>
    LibTorch,

    /// <summary>C# SIMD kernels on the flat parameter buffer (CPU, small MLPs); an error where unsupported.</summary>
    Native,
}
