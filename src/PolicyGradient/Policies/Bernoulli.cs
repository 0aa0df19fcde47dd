using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Policies;

/// <summary>
/// Independent Bernoulli bits for a MultiBinary action space, parameterized by logits [B, n]:
/// log π(a) = Σ_i [a_i l_i − softplus(l_i)];  H = Σ_i [softplus(l_i) − l_i σ(l_i)]
/// (both exact and stable for large |l|).
/// </summary>
public sealed class Bernoulli : IActionDistribution
{
    static readonly Scalar Zero = 0.ToScalar();

    /// <summary>Creates the distribution.</summary>
    public Bernoulli(Tensor logits) => Logits = logits;

    /// <summary>The logits l, [B, n].</summary>
    public Tensor Logits { get; }

    /// <inheritdoc />
    public Tensor LogProb(Tensor actions)
    {
        if (actions.dtype != Logits.dtype) actions = actions.to_type(Logits.dtype);
        return (actions * Logits - nn.functional.softplus(Logits)).sum(-1);
    }

    /// <inheritdoc />
    public Tensor Entropy() => (nn.functional.softplus(Logits) - Logits * Logits.sigmoid()).sum(-1);

    /// <inheritdoc />
    public Tensor Sample(torch.Generator? generator = null)
    {
        using var _ = torch.no_grad();
        return torch.bernoulli(Logits.sigmoid(), generator: generator);
    }

    /// <inheritdoc />
    public Tensor Mode() => Logits.gt(Zero).to_type(Logits.dtype);
}
