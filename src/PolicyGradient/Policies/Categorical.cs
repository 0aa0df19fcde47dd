using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Policies;

/// <summary>
/// Categorical distribution over the last dimension of <c>logits</c> ([..., n]); the batch is every
/// leading dimension, so the same type serves a [B, n] policy head and [B, L, V] token logits.
/// An optional boolean <c>mask</c> (same shape, true = allowed) sets invalid logits to −∞ (invalid
/// action masking, Huang and Ontañón 2020); the entropy stays finite because 0·log 0 is taken as 0.
/// A row with no allowed action is invalid input (its log-probabilities are NaN).
/// </summary>
public sealed class Categorical : IActionDistribution
{
    static readonly Scalar NegativeInfinity = double.NegativeInfinity.ToScalar();
    readonly Tensor? _mask;

    /// <summary>Creates the distribution from unnormalized logits and an optional validity mask.</summary>
    public Categorical(Tensor logits, Tensor? mask = null)
    {
        if (mask is not null)
        {
            _mask = mask.dtype == ScalarType.Bool ? mask : mask.to_type(ScalarType.Bool);
            logits = logits.masked_fill(_mask.logical_not(), NegativeInfinity);
        }
        LogProbs = logits.log_softmax(-1);
    }

    /// <summary>Normalized log-probabilities log π(·), same shape as the logits.</summary>
    public Tensor LogProbs { get; }

    /// <summary>Probabilities π(·).</summary>
    public Tensor Probs => LogProbs.exp();

    /// <inheritdoc />
    public Tensor LogProb(Tensor actions)
    {
        var index = ToIndex(actions, LogProbs.dim() - 1);
        return LogProbs.gather(-1, index.unsqueeze(-1)).squeeze(-1);
    }

    /// <summary>H = −Σ π log π, with masked entries (π = 0, log π = −∞) contributing 0.</summary>
    public Tensor Entropy()
    {
        var logp = _mask is null ? LogProbs : torch.where(_mask, LogProbs, torch.zeros_like(LogProbs));
        return -(logp.exp() * logp).sum(-1);
    }

    /// <inheritdoc />
    public Tensor Sample(torch.Generator? generator = null)
    {
        using var _ = torch.no_grad();
        var probs = LogProbs.exp();
        long n = probs.shape[^1];
        var flat = probs.reshape(-1, n);
        var drawn = torch.multinomial(flat, 1, replacement: true, generator: generator);
        return drawn.reshape(probs.shape[..^1]).to_type(ScalarType.Float32);
    }

    /// <inheritdoc />
    public Tensor Mode() => LogProbs.argmax(-1).to_type(ScalarType.Float32);

    /// <summary>
    /// Converts actions shaped like the batch (or the batch plus a trailing 1) holding integer values
    /// in float or int64 to an int64 index tensor shaped like the batch.
    /// </summary>
    internal static Tensor ToIndex(Tensor actions, long batchDims)
    {
        if (actions.dim() == batchDims + 1 && actions.shape[^1] == 1) actions = actions.squeeze(-1);
        return actions.dtype == ScalarType.Int64 ? actions : actions.to_type(ScalarType.Int64);
    }
}
