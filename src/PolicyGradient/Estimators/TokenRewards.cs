using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Estimators;

/// <summary>
/// Host-side token-level reward arrays for the estimators that work per token (REINFORCE++, ReMax),
/// following verl's convention that an outcome reward sits on the last response token.
/// </summary>
internal static class TokenRewards
{
    /// <summary>The mask [B, L] as a row-major 0/1 double array.</summary>
    public static double[] ReadMask(Tensor responseMask)
    {
        using var m = OutcomeBatch.Mask(responseMask, ScalarType.Float64).cpu();
        return m.data<double>().ToArray();
    }

    /// <summary>
    /// r̃[b, t] = tokenRewards[b, t] + (t == last valid token of b ? score[b] : 0), zero on masked
    /// tokens; rows of invalid samples (NaN score) or with no valid token are all zero.
    /// </summary>
    public static double[] Build(double[] scores, double[] mask, int length, Tensor? tokenRewards)
    {
        int b = scores.Length;
        var r = new double[b * length];
        if (tokenRewards is not null)
        {
            if (tokenRewards.dim() != 2 || tokenRewards.shape[0] != b || tokenRewards.shape[1] != length)
                throw new ArgumentException($"TokenRewards must be [{b}, {length}], got [{string.Join(", ", tokenRewards.shape)}]");
            using var t = tokenRewards.detach().to(ScalarType.Float64).cpu();
            t.data<double>().CopyTo(r);
        }
        for (int i = 0; i < b; i++)
        {
            int last = -1;
            for (int t = 0; t < length; t++)
            {
                int k = i * length + t;
                if (mask[k] != 0) last = t; else r[k] = 0;
            }
            if (double.IsNaN(scores[i])) { Array.Clear(r, i * length, length); continue; }
            if (last >= 0) r[i * length + last] += scores[i];
        }
        return r;
    }

    /// <summary>
    /// verl's masked_whiten: (x − μ) / √(σ² + 1e-8) with μ and the unbiased σ² over the masked
    /// entries, then multiplied by the mask. With fewer than two valid entries only the centring is
    /// applied (verl raises instead).
    /// </summary>
    public static double[] MaskedWhiten(double[] x, double[] mask, double varianceEpsilon = 1e-8)
    {
        int n = 0; double sum = 0;
        for (int k = 0; k < x.Length; k++) if (mask[k] != 0) { n++; sum += x[k]; }
        var y = new double[x.Length];
        if (n == 0) return y;
        double mean = sum / n, ss = 0;
        for (int k = 0; k < x.Length; k++) if (mask[k] != 0) ss += (x[k] - mean) * (x[k] - mean);
        double scale = n < 2 ? 1.0 : 1.0 / Math.Sqrt(ss / (n - 1) + varianceEpsilon);
        for (int k = 0; k < x.Length; k++) y[k] = mask[k] != 0 ? (x[k] - mean) * scale : 0;
        return y;
    }

    /// <summary>A row-major [B, L] double array as a tensor of <paramref name="dtype"/> on the mask's device.</summary>
    public static Tensor ToTensor(double[] values, Tensor like, ScalarType dtype)
    {
        using var _ = torch.no_grad();
        return torch.tensor(values, like.shape, ScalarType.Float64).to(dtype, like.device);
    }
}
