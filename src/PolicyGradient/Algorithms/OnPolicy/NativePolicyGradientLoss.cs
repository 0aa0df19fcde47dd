using System.Runtime.CompilerServices;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// The vanilla policy-gradient loss of A2C and REINFORCE and its analytic gradient with respect to
/// the network outputs, on spans: with row weights w_i (1/B for a plain mean, mask_i/Σmask for a
/// masked mean),
/// L = Σ_i w_i·(−A_i log π(a_i|s_i)) + c_vf Σ_i w_i (V_i − R_i)² − c_ent Σ_i w_i H_i,
/// the composition <see cref="A2c"/>'s tensor path builds from <see cref="Objectives.PolicyGradientLoss"/>
/// (Williams 1992), <see cref="Objectives.ValueLoss"/> and <see cref="Objectives.EntropyBonus"/>, which
/// stays the definition (tests check this against autograd through them).
/// Gradients: ∂L/∂log π_i = −w_i A_i;  ∂L/∂V_i = 2 c_vf w_i (V_i − R_i);  ∂L/∂H_i = −c_ent w_i; the
/// head gradient then follows <see cref="NativeDistribution"/>.
/// </summary>
internal static class NativePolicyGradientLoss
{
    /// <summary>Loss terms (weighted means over the rows).</summary>
    public readonly record struct Terms(double PolicyLoss, double ValueLoss, double Entropy);

    /// <summary>
    /// Computes the terms and writes ∂L/∂head [B, k] into <paramref name="dHead"/>, ∂L/∂V [B] into
    /// <paramref name="dValue"/> and, for a Gaussian, ∂L/∂log σ [k] into <paramref name="dLogStd"/>.
    /// <paramref name="rowWeights"/> empty means 1/B for every row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Terms Compute(
        ReadOnlySpan<float> head, int headSize, bool gaussian, ReadOnlySpan<float> logStd,
        ReadOnlySpan<float> values, ReadOnlySpan<float> actions, ReadOnlySpan<float> advantages, ReadOnlySpan<float> returns,
        ReadOnlySpan<float> rowWeights, int batch, double vfCoef, double entCoef,
        Span<float> dHead, Span<float> dValue, Span<float> dLogStd)
    {
        float uniform = 1f / batch, vf = (float)vfCoef, ent = (float)entCoef;
        double policy = 0, valueLoss = 0, entropy = 0, weightSum = 0;
        if (gaussian) dLogStd.Clear();
        float gaussianEntropy = gaussian ? NativeDistribution.GaussianEntropy(logStd) : 0;
        for (int i = 0; i < batch; i++)
        {
            float w = rowWeights.IsEmpty ? uniform : rowWeights[i];
            var z = head.Slice(i * headSize, headSize);
            var dz = dHead.Slice(i * headSize, headSize);
            // dz holds p for now (categorical); a Box action is row i of actions [B, k].
            float logProb = NativeDistribution.RowLogProb(gaussian, z, dz, actions, i, headSize, logStd, gaussianEntropy, out float h, out float logSum);

            float a = advantages[i], g = -a * w;
            policy += w * (-a * logProb);
            entropy += w * h;
            weightSum += w;
            if (!gaussian) NativeDistribution.CategoricalGradient(z, (int)actions[i], logSum, h, g, ent * w, dz);
            else NativeDistribution.GaussianGradient(z, actions.Slice(i * headSize, headSize), logStd, g, dz, dLogStd);

            float du = values[i] - returns[i];
            valueLoss += w * (du * du);
            dValue[i] = vf * 2f * du * w;
        }
        if (gaussian) for (int j = 0; j < headSize; j++) dLogStd[j] -= ent * (float)weightSum;
        return new Terms(policy, valueLoss, entropy);
    }
}
