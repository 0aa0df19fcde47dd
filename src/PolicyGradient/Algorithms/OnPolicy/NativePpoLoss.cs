using System.Runtime.CompilerServices;
namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// PPO's minibatch loss and its analytic gradient with respect to the network outputs, on spans:
/// L = mean_i L_clip,i + c_vf·mean_i L_V,i − c_ent·mean_i H_i, the same composition as the tensor
/// path in <see cref="Ppo"/> (<see cref="Objectives.ClippedSurrogateObjective"/>,
/// <see cref="Objectives.ValueLoss"/>, <see cref="Objectives.EntropyBonus"/>), which stays the
/// definition; tests check this against autograd through those functions.
/// <para>Clipped surrogate (B rows, r = exp(logπ − logπ_old), u = −A·r, c = −A·clip(r, 1−ε, 1+ε)):
/// L_clip = max(u, c). ∂L_clip/∂r = −A when u ≥ c, else 0 — when c &gt; u strictly, r lies outside
/// [1−ε, 1+ε] where clip is flat; on a tie torch.maximum splits the gradient in halves, which sum to −A
/// because the tie means clip(r) = r. So g_i = ∂L/∂logπ_i = (u ≥ c ? −A·r : 0)/B.</para>
/// <para>log π, the entropy and their gradients with respect to the head: <see cref="NativeDistribution"/>.</para>
/// <para>Value loss: (V − R)², or with clip_range_vf ε_v the pessimistic max((V − R)², (V_c − R)²),
/// V_c = V_old + clip(V − V_old, −ε_v, ε_v); its gradient follows the larger term (halves on a tie,
/// as torch.maximum), the clipped term passing gradient only when |V − V_old| ≤ ε_v.</para>
/// <para>Diagnostics (from the same numbers): approx-KL k3 = (r − 1) − log r, clip fraction =
/// mean 1[c &gt; u], entropy mean.</para>
/// </summary>
internal static class NativePpoLoss
{
    /// <summary>Loss terms and diagnostics of one minibatch (means over its rows).</summary>
    public readonly record struct Terms(double PolicyLoss, double ValueLoss, double Entropy, double ApproxKl, double ClipFraction);

    /// <summary>
    /// Computes the loss terms and writes ∂L/∂head [B, k] into <paramref name="dHead"/>, ∂L/∂V [B]
    /// into <paramref name="dValue"/> and, for a Gaussian, ∂L/∂logσ [k] into <paramref name="dLogStd"/>.
    /// <paramref name="actions"/> is [B, actionSize] (a Discrete action is its index as a float).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Terms Compute(
        ReadOnlySpan<float> head, int headSize, bool gaussian, ReadOnlySpan<float> logStd,
        ReadOnlySpan<float> values, ReadOnlySpan<float> actions, ReadOnlySpan<float> oldLogProbs,
        ReadOnlySpan<float> advantages, ReadOnlySpan<float> returns, ReadOnlySpan<float> oldValues,
        int batch, double clipRange, double? clipRangeVf, double vfCoef, double entCoef,
        Span<float> dHead, Span<float> dValue, Span<float> dLogStd)
    {
        float invB = 1f / batch, lo = (float)(1.0 - clipRange), hi = (float)(1.0 + clipRange);
        float entScale = (float)entCoef * invB;
        double policy = 0, valueLoss = 0, entropy = 0, kl = 0, clipped = 0;
        if (gaussian) dLogStd.Clear();
        float gaussianEntropy = gaussian ? NativeDistribution.GaussianEntropy(logStd) : 0;
        for (int i = 0; i < batch; i++)
        {
            var z = head.Slice(i * headSize, headSize);
            var dz = dHead.Slice(i * headSize, headSize);
            // dz holds p for now (categorical); a Box action is row i of actions [B, k].
            float logProb = NativeDistribution.RowLogProb(gaussian, z, dz, actions, i, headSize, logStd, gaussianEntropy, out float h, out float logSum);

            // Clipped surrogate and its gradient with respect to logπ(a).
            float a = advantages[i], logRatio = logProb - oldLogProbs[i], ratio = MathF.Exp(logRatio);
            float u = -a * ratio, c = -a * Math.Min(Math.Max(ratio, lo), hi); // torch.clamp order: a schedule below 0 gives lo > hi
            policy += Math.Max(u, c);
            if (c > u) clipped++;
            float g = u >= c ? -a * ratio * invB : 0f;
            kl += ratio - 1f - logRatio;
            entropy += h;

            if (!gaussian) NativeDistribution.CategoricalGradient(z, (int)actions[i], logSum, h, g, entScale, dz);
            else NativeDistribution.GaussianGradient(z, actions.Slice(i * headSize, headSize), logStd, g, dz, dLogStd);

            // Value loss (optionally clipped around the rollout's value) and ∂/∂V.
            float v = values[i], ret = returns[i], du = v - ret, lossV = du * du, dv = 2f * du;
            if (clipRangeVf is double eps)
            {
                float e = (float)eps, old = oldValues[i], delta = v - old;
                float vc = old + Math.Clamp(delta, -e, e), dc = vc - ret, lossC = dc * dc;
                float gradC = delta >= -e && delta <= e ? 2f * dc : 0f;
                dv = lossV > lossC ? dv : lossC > lossV ? gradC : 0.5f * (dv + gradC);
                lossV = Math.Max(lossV, lossC);
            }
            valueLoss += lossV;
            dValue[i] = (float)vfCoef * dv * invB;
        }
        if (gaussian) for (int j = 0; j < headSize; j++) dLogStd[j] -= (float)entCoef;
        double n = batch;
        return new Terms(policy / n, valueLoss / n, entropy / n, kl / n, clipped / n);
    }
}
