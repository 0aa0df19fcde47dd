using System.Runtime.InteropServices;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// SAC's automatic temperature step on the native path, shared by the continuous and the discrete step
/// (the tensor path's counterpart is <see cref="TensorSacTemperature"/>): α = exp(log α) is read before
/// the step, and ∂/∂log α of −mean_b(log α·(ℓ_b + H̄)) = −mean_b(ℓ_b + H̄) goes to log α's native Adam,
/// where ℓ_b is the row's log π(ã|s) (continuous) or Σ_a π log π (discrete) and H̄ the target entropy.
/// </summary>
internal static class NativeSacTemperature
{
    /// <summary>One temperature step; returns α before it and the temperature loss (NaN with a fixed α).</summary>
    public static (float Alpha, double Loss) Update(OffPolicyNetworks networks, SacStepSettings settings, ReadOnlySpan<float> perRowLogPi, double learningRate)
    {
        if (networks.LogAlpha is not { } logAlpha) return ((float)settings.FixedAlpha!.Value, double.NaN);
        float log = MemoryMarshal.Cast<byte, float>(logAlpha.Data.bytes)[0], alpha = MathF.Exp(log);
        double shifted = 0;
        foreach (float l in perRowLogPi) shifted += l + settings.TargetEntropy;
        float mean = (float)(shifted / perRowLogPi.Length);
        MemoryMarshal.Cast<byte, float>(logAlpha.Grad.bytes)[0] = -mean;
        networks.AlphaOptimizer!.StepNative(learningRate);
        return (alpha, -(double)log * mean);
    }
}
