using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PolicyGradient.Optimizers;

/// <summary>
/// <see cref="FlatAdam"/>'s step and <see cref="FlatParameters.ClipGradNorm"/>
/// on spans over the same tensors (same formulas, same operation order in float):
/// m ← m + (1−β₁)(g − m);  v ← β₂v + (1−β₂)g²;  θ ← θ − (lr/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε);
/// clip: g ← g·min(1, c/(‖g‖₂ + 1e-6)) (Pascanu et al. 2013).
/// </summary>
internal static class NativeAdam
{
    /// <summary>One Adam step number <paramref name="step"/> (t ≥ 1) in place on θ, m and v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Step(Span<float> theta, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, long step,
        double beta1, double beta2, double epsilon, double learningRate)
    {
        double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
        float w1 = (float)(1 - beta1), b2 = (float)beta2, w2 = (float)(1 - beta2), sqrtBc2 = (float)Math.Sqrt(bc2);
        float eps = (float)epsilon, scale = (float)(-learningRate / bc1);
        int i = 0, n = theta.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            ref float t0 = ref MemoryMarshal.GetReference(theta);
            ref float g0 = ref MemoryMarshal.GetReference(grad);
            ref float m0 = ref MemoryMarshal.GetReference(m);
            ref float v0 = ref MemoryMarshal.GetReference(v);
            if (grad.Length < n || m.Length < n || v.Length < n) throw new ArgumentException("Adam buffers differ in length");
            for (; i + 16 <= n; i += 16)
            {
                var g = Vector512.LoadUnsafe(ref g0, (nuint)i);
                var mv = Vector512.LoadUnsafe(ref m0, (nuint)i);
                mv += Vector512.Create(w1) * (g - mv);
                var vv = Vector512.LoadUnsafe(ref v0, (nuint)i) * b2 + Vector512.Create(w2) * g * g;
                var denom = Vector512.Sqrt(vv) / sqrtBc2 + Vector512.Create(eps);
                var t = Vector512.LoadUnsafe(ref t0, (nuint)i) + Vector512.Create(scale) * (mv / denom);
                mv.StoreUnsafe(ref m0, (nuint)i); vv.StoreUnsafe(ref v0, (nuint)i); t.StoreUnsafe(ref t0, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float g = grad[i];
            m[i] += w1 * (g - m[i]);
            v[i] = v[i] * b2 + w2 * g * g;
            theta[i] += scale * (m[i] / (MathF.Sqrt(v[i]) / sqrtBc2 + eps));
        }
    }

    /// <summary>Scales g to norm ≤ <paramref name="maxNorm"/>; returns ‖g‖₂ before clipping.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float ClipGradNorm(Span<float> grad, double maxNorm)
    {
        double sq = 0;
        for (int i = 0; i < grad.Length; i++) sq += (double)grad[i] * grad[i];
        float norm = (float)Math.Sqrt(sq);
        float coef = Math.Min((float)maxNorm / (norm + 1e-6f), 1f);
        if (coef == 1f) return norm; // g·1 = g exactly
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref float g0 = ref MemoryMarshal.GetReference(grad);
            var c = Vector512.Create(coef);
            for (; j + 16 <= grad.Length; j += 16) (Vector512.LoadUnsafe(ref g0, (nuint)j) * c).StoreUnsafe(ref g0, (nuint)j);
        }
        for (; j < grad.Length; j++) grad[j] *= coef;
        return norm;
    }
}
