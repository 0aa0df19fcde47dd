using TorchSharp;
using static TorchSharp.torch;
using PolicyGradient.Interop;

namespace PolicyGradient.Optimizers;

/// <summary>
/// Every trainable tensor of a model packed into ONE contiguous float tensor <see cref="Data"/>
/// (a leaf that requires grad) with one gradient tensor <see cref="Grad"/>. The forward pass takes
/// its weights as views of <see cref="Data"/> (<see cref="Views"/>: one split, one view per tensor),
/// so backward writes every gradient into <see cref="Grad"/>, and the optimizer and the global
/// gradient-norm clip act on two tensors with a handful of fused ops instead of looping over
/// parameters (the per-operation overhead of small networks is where the time goes; docs/benchmarks.md).
/// </summary>
public sealed class FlatParameters : IDisposable
{
    static readonly Scalar ClipEpsilon = 1e-6.ToScalar(), One = 1.0.ToScalar();

    readonly long[] _sizes;
    readonly long[][] _shapes;

    /// <summary>Packs copies of <paramref name="tensors"/> (name, value) in the given order.</summary>
    public FlatParameters(IReadOnlyList<(string Name, Tensor Value)> tensors, Device? device = null)
    {
        if (tensors.Count == 0) throw new ArgumentException("there are no parameters to pack", nameof(tensors));
        Names = tensors.Select(t => t.Name).ToArray();
        _shapes = tensors.Select(t => t.Value.shape.ToArray()).ToArray();
        _sizes = tensors.Select(t => t.Value.numel()).ToArray();
        Offsets = new long[_sizes.Length];
        for (int i = 1; i < _sizes.Length; i++) Offsets[i] = Offsets[i - 1] + _sizes[i - 1];
        Count = Offsets[^1] + _sizes[^1];
        device ??= tensors[0].Value.device;
        // The per-tensor detach/reshape/to temporaries die with this scope (without it they waited
        // for the finalizer: 3 per parameter tensor, 36 for the default CartPole policy).
        using (torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var data = torch.cat(tensors.Select(t => t.Value.detach().reshape(-1).to(ScalarType.Float32, device)).ToArray());
            Data = data.requires_grad_(true).DetachFromDisposeScope();
            Grad = torch.zeros_like(data).DetachFromDisposeScope();
            Data.grad = Grad; // backward accumulates in place into this buffer
        }
    }

    /// <summary>All parameters, concatenated in order; a leaf requiring grad.</summary>
    public Tensor Data { get; }

    /// <summary>The gradient of <see cref="Data"/> (same storage as <c>Data.grad</c>).</summary>
    public Tensor Grad { get; }

    /// <summary>Number of scalars.</summary>
    public long Count { get; }

    /// <summary>Names of the packed tensors, in order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Offset of each tensor in <see cref="Data"/>.</summary>
    public long[] Offsets { get; }

    /// <summary>Shape of tensor <paramref name="index"/>.</summary>
    public long[] Shape(int index) => _shapes[index];

    /// <summary>
    /// Views of <see cref="Data"/> shaped as the packed tensors (differentiable: gradients flow into
    /// <see cref="Grad"/>). Under no_grad they are plain views, cheap to keep for a whole rollout.
    /// </summary>
    public Tensor[] Views()
    {
        var parts = Data.split(_sizes);
        for (int i = 0; i < parts.Length; i++) parts[i] = parts[i].view(_shapes[i]);
        return parts;
    }

    /// <summary>A view of <paramref name="length"/> scalars from <paramref name="offset"/> (differentiable).</summary>
    public Tensor Slice(long offset, long length) => Data.narrow(0, offset, length);

    /// <summary>Sets the gradient buffer to zero (in place, so views stay valid).</summary>
    public void ZeroGrad()
    {
        using var _ = torch.no_grad();
        Grad.zero_();
        if (Data.grad is null || Data.grad.Handle != Grad.Handle) Data.grad = Grad;
    }

    /// <summary>
    /// Global gradient-norm clipping (Pascanu et al. 2013; a PPO implementation detail): when
    /// ‖g‖₂ &gt; c, g ← g·c/(‖g‖₂ + 1e-6) (PyTorch's clip_grad_norm_). Returns ‖g‖₂ before clipping
    /// as a 0-d tensor (no host synchronization).
    /// </summary>
    public Tensor ClipGradNorm(double maxNorm)
    {
        using var _ = torch.no_grad();
        var norm = Grad.norm();
        using Scalar max = maxNorm.ToScalar();
        // min(1, c/(‖g‖ + 1e-6)), as the operators `maxNorm / (norm + 1e-6)` computed it (reciprocal, then mul).
        Grad.mul_(norm.add(ClipEpsilon, TorchScalars.One).reciprocal().mul(max).clamp_max(One));
        return norm;
    }

    /// <summary>Copies the tensor named <paramref name="name"/> out (a new CPU tensor).</summary>
    public Tensor Get(string name)
    {
        int i = Array.IndexOf((string[])Names, name);
        if (i < 0) throw new KeyNotFoundException($"no parameter named '{name}'");
        using var _ = torch.no_grad();
        return Data.narrow(0, Offsets[i], _sizes[i]).view(_shapes[i]).detach().cpu().clone();
    }

    /// <summary>Overwrites the tensor named <paramref name="name"/> (shapes must match).</summary>
    /// <exception cref="InvalidDataException">The shape differs.</exception>
    public void Set(string name, Tensor value)
    {
        int i = Array.IndexOf((string[])Names, name);
        if (i < 0) throw new KeyNotFoundException($"no parameter named '{name}'");
        if (!value.shape.SequenceEqual(_shapes[i]))
            throw new InvalidDataException($"parameter '{name}' has shape [{string.Join(", ", value.shape)}], expected [{string.Join(", ", _shapes[i])}]");
        using var _ = torch.no_grad();
        Data.narrow(0, Offsets[i], _sizes[i]).copy_(value.reshape(-1));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Data.Dispose();
        Grad.Dispose();
    }
}
