using System.Runtime.CompilerServices;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// The action distributions of the native backend, one row at a time on spans: log π(a), the entropy
/// and their gradients with respect to the action head, shared by every native loss (PPO, A2C,
/// REINFORCE). The tensor definitions are <see cref="Policies.Categorical"/> and
/// <see cref="Policies.DiagGaussian"/>; tests check these rows against autograd through them.
/// <para>Categorical over logits z (p = softmax z, log π(a) = z_a − log Σ e^z, H = −Σ p log p):
/// ∂log π(a)/∂z_j = 1[j = a] − p_j;  ∂H/∂z_j = −p_j(log p_j + H).</para>
/// <para>DiagGaussian with mean μ and state-independent log σ (x = (a − μ)/σ):
/// log π(a) = Σ_j (−½x_j² − log σ_j − ½ log 2π);  ∂log π/∂μ_j = x_j/σ_j;  ∂log π/∂log σ_j = x_j² − 1;
/// H = Σ_j (log σ_j + ½ + ½ log 2π), ∂H/∂log σ_j = 1.</para>
/// </summary>
internal static class NativeDistribution
{
    /// <summary>½ log 2π.</summary>
    public const float HalfLog2Pi = 0.918938533204672742f;

    /// <summary>
    /// The logit a masked (invalid) action gets. The tensor path uses −∞ (<see cref="Policies.Categorical"/>);
    /// here a finite value keeps p·log p = 0·(−10³⁰) = 0 instead of NaN, and since e^(−10³⁰ − max) is
    /// exactly 0 in float, log π, H and the gradients of the allowed actions are the same numbers, and
    /// the masked logits get gradient 0 (p_j = 0), as through masked_fill.
    /// </summary>
    public const float MaskedLogit = -1e30f;

    /// <summary>Sets the logits where <paramref name="mask"/> is 0 to <see cref="MaskedLogit"/> (rows of <paramref name="logits"/> and <paramref name="mask"/> line up).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MaskLogits(Span<float> logits, ReadOnlySpan<float> mask)
    {
        for (int j = 0; j < logits.Length; j++)
            if (mask[j] == 0f) logits[j] = MaskedLogit;
    }

    /// <summary>
    /// log π(a) and H of row <paramref name="row"/> of a batch, as the native losses need them: a categorical
    /// row leaves p in <paramref name="dz"/> (and its log-sum-exp in <paramref name="logSum"/>), a Gaussian row
    /// reads its action from <paramref name="actions"/> [B, k] and takes the precomputed entropy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float RowLogProb(bool gaussian, ReadOnlySpan<float> z, Span<float> dz, ReadOnlySpan<float> actions, int row, int headSize,
        ReadOnlySpan<float> logStd, float gaussianEntropy, out float entropy, out float logSum)
    {
        logSum = 0;
        if (!gaussian) return CategoricalLogProb(z, (int)actions[row], dz, out entropy, out logSum);
        entropy = gaussianEntropy;
        return GaussianLogProb(z, actions.Slice(row * headSize, headSize), logStd);
    }

    /// <summary>
    /// log π(<paramref name="action"/>) of one categorical row of logits <paramref name="z"/> (log-softmax
    /// with the max subtracted); writes p into <paramref name="probs"/> and returns the entropy in
    /// <paramref name="entropy"/> and log Σ e^z in <paramref name="logSum"/> (for <see cref="CategoricalGradient"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float CategoricalLogProb(ReadOnlySpan<float> z, int action, Span<float> probs, out float entropy, out float logSum)
    {
        int k = z.Length;
        float max = z[0];
        for (int j = 1; j < k; j++) max = Math.Max(max, z[j]);
        float sum = 0;
        for (int j = 0; j < k; j++) sum += MathF.Exp(z[j] - max);
        logSum = max + MathF.Log(sum);
        float h = 0;
        for (int j = 0; j < k; j++) { float lp = z[j] - logSum; probs[j] = MathF.Exp(lp); h -= probs[j] * lp; }
        entropy = h;
        return z[action] - logSum;
    }

    /// <summary>
    /// ∂L/∂z for one categorical row, given g = ∂L/∂log π(a) and the entropy weight
    /// <paramref name="entropyScale"/> = −∂L/∂H: dz_j = g(1[j = a] − p_j) + s·p_j(log p_j + H).
    /// <paramref name="dz"/> holds p (from <see cref="CategoricalLogProb"/>) on entry.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CategoricalGradient(ReadOnlySpan<float> z, int action, float logSum, float entropy, float g, float entropyScale, Span<float> dz)
    {
        for (int j = 0; j < z.Length; j++)
        {
            float p = dz[j], lp = z[j] - logSum; // log p_j
            dz[j] = g * ((j == action ? 1f : 0f) - p) + entropyScale * p * (lp + entropy);
        }
    }

    /// <summary>log π(a) of one Gaussian row with mean <paramref name="mean"/> and log σ <paramref name="logStd"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float GaussianLogProb(ReadOnlySpan<float> mean, ReadOnlySpan<float> action, ReadOnlySpan<float> logStd)
    {
        float logProb = 0;
        for (int j = 0; j < mean.Length; j++)
        {
            float x = (action[j] - mean[j]) * MathF.Exp(-logStd[j]);
            logProb += -0.5f * x * x - logStd[j] - HalfLog2Pi;
        }
        return logProb;
    }

    /// <summary>The entropy Σ_j (log σ_j + ½ + ½ log 2π), the same for every row.</summary>
    public static float GaussianEntropy(ReadOnlySpan<float> logStd)
    {
        float h = 0;
        for (int j = 0; j < logStd.Length; j++) h += logStd[j] + (0.5f + HalfLog2Pi);
        return h;
    }

    /// <summary>
    /// Writes ∂L/∂μ of one Gaussian row into <paramref name="dMean"/> and adds its ∂L/∂log σ to
    /// <paramref name="dLogStd"/>, given g = ∂L/∂log π(a). The entropy's ∂H/∂log σ = 1 is added once
    /// per batch by the caller (it does not depend on the row).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void GaussianGradient(ReadOnlySpan<float> mean, ReadOnlySpan<float> action, ReadOnlySpan<float> logStd, float g, Span<float> dMean, Span<float> dLogStd)
    {
        for (int j = 0; j < mean.Length; j++)
        {
            float invStd = MathF.Exp(-logStd[j]);
            float x = (action[j] - mean[j]) * invStd;
            dMean[j] = g * x * invStd;
            dLogStd[j] += g * (x * x - 1f);
        }
    }

    /// <summary>
    /// Draws a categorical action by inverse transform from u ~ U[0, 1): a = min{j : u·Σe^z &lt; Σ_{i≤j} e^{z_i}}
    /// (the last class of positive probability when rounding leaves the sum below), with log π(a) = z_a − max − log Σ e^{z − max}.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CategoricalSample(ReadOnlySpan<float> z, float u, out float logProb)
    {
        int k = z.Length;
        float max = z[0];
        for (int j = 1; j < k; j++) max = Math.Max(max, z[j]);
        float sum = 0;
        for (int j = 0; j < k; j++) sum += MathF.Exp(z[j] - max);
        float cumulative = 0, target = u * sum;
        int a = -1, last = k - 1;
        for (int j = 0; j < k; j++)
        {
            float e = MathF.Exp(z[j] - max);
            cumulative += e;
            if (e > 0f) last = j;
            if (target < cumulative) { a = j; break; }
        }
        if (a < 0) a = last; // rounding left u·Σ at or above the sum: the last class of positive probability (never a masked one)
        logProb = z[a] - max - MathF.Log(sum);
        return a;
    }

    /// <summary>
    /// Draws a = μ + σ ⊙ ε from ε ~ N(0, I) into <paramref name="action"/>; returns
    /// log π(a) = Σ_j (−½ε_j² − log σ_j − ½ log 2π).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float GaussianSample(ReadOnlySpan<float> mean, ReadOnlySpan<float> logStd, ReadOnlySpan<float> eps, Span<float> action)
    {
        float lp = 0;
        for (int j = 0; j < mean.Length; j++)
        {
            float e = eps[j];
            action[j] = mean[j] + MathF.Exp(logStd[j]) * e;
            lp += -0.5f * e * e - logStd[j] - HalfLog2Pi;
        }
        return lp;
    }
}
