using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PolicyGradient.Optimizers;

/// <summary>
/// <see cref="FlatRmsProp"/>'s step on spans over the same tensors, in PyTorch's form
/// (torch.optim.RMSprop, not centered, no momentum; what SB3's A2C uses with α = 0.99, ε = 1e-5):
/// v ← αv + (1−α)g²;  θ ← θ − lr·g/(√v + ε) (ε outside the square root, unlike TF's RMSprop).
/// </summary>
internal static class NativeRmsProp
{
    /// <summary>One RMSprop step in place on θ and the squared-gradient average v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Step(Span<float> theta, ReadOnlySpan<float> grad, Span<float> squareAvg, double alpha, double epsilon, double learningRate)
    {
        int n = theta.Length;
        if (grad.Length < n || squareAvg.Length < n) throw new ArgumentException("RMSprop buffers differ in length");
        float a = (float)alpha, w = (float)(1 - alpha), eps = (float)epsilon, step = (float)-learningRate;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref float t0 = ref MemoryMarshal.GetReference(theta);
            ref float g0 = ref MemoryMarshal.GetReference(grad);
            ref float v0 = ref MemoryMarshal.GetReference(squareAvg);
            for (; i + 16 <= n; i += 16)
            {
                var g = Vector512.LoadUnsafe(ref g0, (nuint)i);
                var v = Vector512.LoadUnsafe(ref v0, (nuint)i) * a + Vector512.Create(w) * g * g;
                var t = Vector512.LoadUnsafe(ref t0, (nuint)i) + Vector512.Create(step) * g / (Vector512.Sqrt(v) + Vector512.Create(eps));
                v.StoreUnsafe(ref v0, (nuint)i); t.StoreUnsafe(ref t0, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float g = grad[i];
            squareAvg[i] = squareAvg[i] * a + w * g * g;
            theta[i] += step * g / (MathF.Sqrt(squareAvg[i]) + eps);
        }
    }
}
