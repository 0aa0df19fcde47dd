using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Optimizers;

/// <summary>
/// The soft target-network update of DDPG (Lillicrap et al. 2016, eq. in §3 and Algorithm 1), TD3 and
/// SAC: θ_target ← (1 − τ) θ_target + τ θ, an exponential moving average of the online weights
/// (Polyak averaging; τ = 0.005 in TD3/SAC/SB3, τ = 1 a hard copy as in DQN's periodic update).
/// <para>
/// Both forms compute torch's lerp formula, which is exact at the ends: target + τ (θ − target) when
/// τ &lt; ½, θ − (θ − target)(1 − τ) otherwise. τ = 1 is a plain copy, bit for bit (the formula would
/// turn −0 into +0: −0 − (−0 − t)·0 = +0). The tensor form runs
/// one in-place <c>lerp_</c> under no_grad; over a flat parameter buffer (<see cref="FlatParameters.Data"/>)
/// that is one libtorch call for the whole network. TorchSharp 0.107 has only
/// <c>lerp_(Tensor end, Tensor weight)</c> (a Scalar passed there goes through an implicit
/// Scalar→Tensor operator that throws "Should not be called"), so τ lives in a 0-dim weight tensor
/// this object owns, made once per dtype and device from an explicit Scalar: no temporary Scalar and
/// no tensor allocated per call. The span form is a SIMD loop for weights kept in managed memory
/// (the native kernels).
/// </para>
/// Worked number: τ = 0.25, target 1, θ 3 → 1 + 0.25·(3 − 1) = 1.5.
/// </summary>
public sealed class PolyakUpdate : IDisposable
{
    readonly Scalar _tau;
    Tensor? _weight; // τ as a 0-dim tensor of the last target's dtype and device

    /// <summary>An update with coefficient <paramref name="tau"/> ∈ (0, 1].</summary>
    /// <exception cref="ArgumentOutOfRangeException">τ outside (0, 1]; the message names the <c>tau</c> key.</exception>
    public PolyakUpdate(double tau)
    {
        if (!(tau > 0 && tau <= 1))
            throw new ArgumentOutOfRangeException(nameof(tau), tau, "tau must lie in (0, 1] (0.005 is the TD3/SAC default, 1 copies the weights); set tau accordingly");
        Tau = tau;
        _tau = tau.ToScalar();
    }

    /// <summary>τ, the weight of the online parameters.</summary>
    public double Tau { get; }

    /// <summary>target ← (1 − τ) target + τ source, in place, without recording gradients.</summary>
    /// <exception cref="ArgumentException">The tensors differ in shape, type or device.</exception>
    public void Apply(Tensor target, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        if (!target.shape.SequenceEqual(source.shape) || target.dtype != source.dtype || target.device_type != source.device_type)
            throw new ArgumentException($"the target [{string.Join(", ", target.shape)}] {target.dtype} on {target.device_type} and the source [{string.Join(", ", source.shape)}] {source.dtype} on {source.device_type} must have the same shape, type and device (one target per online parameter buffer)", nameof(target));
        using var noGrad = torch.no_grad();
        var result = Tau == 1.0 ? target.copy_(source) : target.lerp_(source, Weight(target));
        if (!ReferenceEquals(result, target)) result.Dispose(); // a second handle on target's storage
    }

    Tensor Weight(Tensor like)
    {
        if (_weight is not null && _weight.dtype == like.dtype && _weight.device == like.device) return _weight;
        _weight?.Dispose();
        _weight = torch.full([], _tau, like.dtype, like.device).DetachFromDisposeScope();
        return _weight;
    }

    /// <summary>target ← (1 − τ) target + τ source over managed memory, with this object's τ.</summary>
    public void Apply(Span<float> target, ReadOnlySpan<float> source) => Apply(target, source, (float)Tau);

    /// <summary>target ← (1 − τ) target + τ source over managed memory (SIMD), torch's lerp formula.</summary>
    /// <exception cref="ArgumentException">The spans differ in length, or τ lies outside (0, 1].</exception>
    public static void Apply(Span<float> target, ReadOnlySpan<float> source, float tau)
    {
        if (target.Length != source.Length)
            throw new ArgumentException($"the target has {target.Length} values and the source {source.Length}; they must match", nameof(target));
        if (!(tau > 0 && tau <= 1))
            throw new ArgumentOutOfRangeException(nameof(tau), tau, "tau must lie in (0, 1]");
        if (tau == 1f) { source.CopyTo(target); return; }
        // Near τ = 1 step from the source side (as torch.lerp does), so the result tends to θ exactly.
        bool fromSource = tau >= 0.5f;
        float w = fromSource ? 1f - tau : tau;
        int i = 0;
        if (Vector.IsHardwareAccelerated && target.Length >= Vector<float>.Count)
        {
            var weight = new Vector<float>(w);
            for (; i <= target.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var t = new Vector<float>(target.Slice(i));
                var s = new Vector<float>(source.Slice(i));
                (fromSource ? s - (s - t) * weight : t + (s - t) * weight).CopyTo(target.Slice(i));
            }
        }
        for (; i < target.Length; i++)
            target[i] = fromSource ? source[i] - (source[i] - target[i]) * w : target[i] + (source[i] - target[i]) * w;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _weight?.Dispose();
        _tau.Dispose();
    }
}
