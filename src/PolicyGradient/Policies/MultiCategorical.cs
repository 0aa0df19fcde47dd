using TorchSharp;
using static TorchSharp.torch;
using PolicyGradient.Interop;

namespace PolicyGradient.Policies;

/// <summary>
/// Independent categoricals for a MultiDiscrete action space: <c>logits</c> [B, Σ nvec] is split into
/// one block per dimension; actions are [B, len(nvec)]; log-probability and entropy are summed over
/// the dimensions (SB3's MultiCategoricalDistribution).
/// </summary>
public sealed class MultiCategorical : IActionDistribution
{
    readonly Categorical[] _parts;

    /// <summary>
    /// Creates the distribution; the last dimension of <paramref name="logits"/> must equal Σ nvec. An
    /// optional <paramref name="mask"/> shaped like the logits (the per-dimension masks concatenated,
    /// true = allowed) masks each block's categorical.
    /// </summary>
    public MultiCategorical(Tensor logits, int[] nvec, Tensor? mask = null)
    {
        long total = nvec.Sum(n => (long)n);
        if (logits.shape[^1] != total)
            throw new ArgumentException($"MultiCategorical logits have {logits.shape[^1]} columns but nvec sums to {total}", nameof(logits));
        var sizes = nvec.Select(n => (long)n).ToArray();
        var blocks = logits.split(sizes, -1);
        var masks = mask?.split(sizes, -1);
        _parts = blocks.Select((b, i) => new Categorical(b, masks?[i])).ToArray();
    }

    /// <summary>The per-dimension categoricals.</summary>
    public IReadOnlyList<Categorical> Parts => _parts;

    /// <inheritdoc />
    public Tensor LogProb(Tensor actions)
    {
        var cols = actions.unbind(-1);
        var sum = _parts[0].LogProb(cols[0]);
        for (int i = 1; i < _parts.Length; i++) sum = sum.add(_parts[i].LogProb(cols[i]), TorchScalars.One);
        return sum;
    }

    /// <inheritdoc />
    public Tensor Entropy()
    {
        var sum = _parts[0].Entropy();
        for (int i = 1; i < _parts.Length; i++) sum = sum.add(_parts[i].Entropy(), TorchScalars.One);
        return sum;
    }

    /// <inheritdoc />
    public Tensor Sample(torch.Generator? generator = null) =>
        torch.stack(_parts.Select(p => p.Sample(generator)).ToArray(), -1);

    /// <inheritdoc />
    public Tensor Mode() => torch.stack(_parts.Select(p => p.Mode()).ToArray(), -1);
}
