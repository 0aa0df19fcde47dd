namespace PolicyGradient.VarianceReduction;

/// <summary>
/// The importance weight w = Π_steps π_{θ_{t−1}}(a|s) / π_{θ_t}(a|s) of each trajectory of a fixed-length vectorised
/// rollout, spread onto its rows, for the STORM correction of <see cref="StormRecursion"/>. A trajectory is a run
/// of one copy's rows ending at a done (terminated or truncated); the rows after a copy's last done in the rollout
/// (an episode still running, no Monte-Carlo return yet) get weight 0. The first trajectory of a copy may have begun
/// in the previous rollout: its weight covers the steps inside this rollout, the actions whose returns-to-go the
/// estimate uses. The weight is clipped to [1/c, c]: IS-MBPG (Huang et al. 2020) and STORM-PG (Yuan et al. 2020)
/// use it unclipped and assume its variance bounded (true for Gaussian policies near each other), but a product
/// over hundreds of steps after an Adam step can be far from 1 and would let one trajectory dominate the
/// correction; HARPG (Fatkhullin et al. 2023) avoids the weight altogether with a Hessian-vector correction.
/// Clipping bounds the weight's variance at the price of a bias that vanishes as θ_t − θ_{t−1} → 0.
/// </summary>
public static class TrajectoryWeights
{
    /// <summary>
    /// Writes each row's trajectory weight into <paramref name="weights"/> and returns how many trajectories were
    /// clipped. All spans are [T, N] row-major (time-major, N copies).
    /// </summary>
    /// <param name="logRatios">log π_{θ_{t−1}}(a|s) − log π_{θ_t}(a|s) per row.</param>
    /// <param name="dones">1 where the copy's episode ended at that step (terminated or truncated), else 0.</param>
    /// <param name="numEnvs">N.</param>
    /// <param name="clip">c ≥ 1: weights are clipped to [1/c, c].</param>
    /// <param name="weights">Per-row weight (written); 0 for rows of an unfinished trajectory.</param>
    /// <exception cref="ArgumentException">Spans of different lengths, a length not a multiple of N, or c &lt; 1.</exception>
    public static int PerRow(ReadOnlySpan<float> logRatios, ReadOnlySpan<float> dones, int numEnvs, double clip, Span<float> weights)
    {
        if (numEnvs < 1 || logRatios.Length % numEnvs != 0)
            throw new ArgumentException($"the rollout has {logRatios.Length} rows, not a multiple of the {numEnvs} copies");
        if (dones.Length != logRatios.Length || weights.Length != logRatios.Length)
            throw new ArgumentException($"log-ratios, dones and weights must have one length, got {logRatios.Length}, {dones.Length} and {weights.Length}");
        if (!(clip >= 1)) throw new ArgumentException($"the weight clip c must be >= 1 (weights in [1/c, c]), got {clip}", nameof(clip));
        int steps = logRatios.Length / numEnvs, clipped = 0;
        double logClip = Math.Log(clip);
        for (int j = 0; j < numEnvs; j++)
        {
            int start = 0;
            double sum = 0;
            for (int i = 0; i < steps; i++)
            {
                sum += logRatios[i * numEnvs + j];
                weights[i * numEnvs + j] = 0f;
                if (dones[i * numEnvs + j] == 0f) continue;
                if (Math.Abs(sum) > logClip) clipped++;
                float w = (float)Math.Exp(Math.Clamp(sum, -logClip, logClip));
                for (int k = start; k <= i; k++) weights[k * numEnvs + j] = w;
                (start, sum) = (i + 1, 0);
            }
        }
        return clipped;
    }
}
