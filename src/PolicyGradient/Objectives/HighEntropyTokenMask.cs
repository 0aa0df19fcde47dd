using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Objectives;

/// <summary>
/// The "80/20" token selection of Wang et al. 2025 ("Beyond the 80/20 Rule: High-Entropy Minority
/// Tokens Drive Effective Reinforcement Learning for LLM Reasoning", arXiv 2506.01939): train only on
/// the top-ρ fraction of valid tokens by the policy's entropy H_t, pooled over the whole batch
/// (the paper keeps ρ = 20 %). With n valid tokens the k = ⌈ρ·n⌉-th largest entropy is the
/// threshold τ and the kept tokens are the valid ones with H_t ≥ τ — every token tied with τ is kept,
/// so ties can keep slightly more than k (never fewer). Rows with no valid token keep nothing.
/// </summary>
public static class HighEntropyTokenMask
{
    static readonly Scalar Zero = 0.ToScalar();

    /// <summary>
    /// A 0/1 mask in <paramref name="mask"/>'s floating dtype (float32 otherwise) selecting the top-ρ
    /// valid tokens of <paramref name="entropy"/> (any shape, same as the mask). ρ = 1 returns the mask.
    /// </summary>
    public static Tensor Select(Tensor entropy, Tensor mask, double topFraction)
    {
        if (!(topFraction > 0 && topFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(topFraction), topFraction, "the kept fraction ρ must be in (0, 1]");
        using var _ = torch.no_grad();
        var dtype = mask.is_floating_point() ? mask.dtype : ScalarType.Float32;
        var valid = mask.ne(Zero);
        if (topFraction >= 1) return valid.to(dtype);
        var h = entropy.detach().masked_select(valid);
        long n = h.numel();
        if (n == 0) return torch.zeros_like(valid, dtype: dtype);
        long k = (long)Math.Ceiling(topFraction * n - 1e-9);
        k = Math.Clamp(k, 1, n);
        var threshold = h.topk((int)k).values[k - 1];
        return entropy.detach().ge(threshold).logical_and(valid).to(dtype);
    }
}
