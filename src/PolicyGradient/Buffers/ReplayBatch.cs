using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Buffers;

/// <summary>
/// One minibatch drawn from a <see cref="ReplayBuffer"/>: preallocated CPU tensors that
/// <see cref="ReplayBuffer.Sample"/> refills in place on every call, so sampling allocates no tensor.
/// Row j holds transition j of the batch; the TD target of an off-policy critic is
/// <c>Rewards + Discounts · (1 − Dones) · Q'(NextObservations, ·)</c> (Discounts = γ^k, k the number of
/// rewards summed into Rewards, see <see cref="ReplayBuffer"/>).
/// </summary>
public sealed class ReplayBatch : IDisposable
{
    /// <summary>An empty batch of <paramref name="batchSize"/> rows.</summary>
    public ReplayBatch(int batchSize, int observationSize, int actionSize)
    {
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch_size must be >= 1");
        BatchSize = batchSize; ObservationSize = observationSize; ActionSize = actionSize;
        Tensor Make(ScalarType type, params long[] shape) => torch.zeros(shape, type).DetachFromDisposeScope();
        Observations = Make(ScalarType.Float32, batchSize, observationSize);
        Actions = Make(ScalarType.Float32, batchSize, actionSize);
        Rewards = Make(ScalarType.Float32, batchSize);
        NextObservations = Make(ScalarType.Float32, batchSize, observationSize);
        Dones = Make(ScalarType.Float32, batchSize);
        Discounts = Make(ScalarType.Float32, batchSize);
        Indices = Make(ScalarType.Int64, batchSize);
    }

    /// <summary>B, rows per batch.</summary>
    public int BatchSize { get; }
    /// <summary>Floats per observation.</summary>
    public int ObservationSize { get; }
    /// <summary>Floats per action.</summary>
    public int ActionSize { get; }

    /// <summary>s_t, [B, obs].</summary>
    public Tensor Observations { get; }
    /// <summary>a_t, [B, act].</summary>
    public Tensor Actions { get; }
    /// <summary>The n-step discounted reward sum Σ_{i&lt;k} γ^i r_{t+i} (r_t when n = 1), [B].</summary>
    public Tensor Rewards { get; }
    /// <summary>s_{t+k}: the true next state after the k summed steps (the final observation after a truncation), [B, obs].</summary>
    public Tensor NextObservations { get; }
    /// <summary>1 where step t+k−1 terminated the episode (no bootstrap), 0 otherwise (truncation included), [B].</summary>
    public Tensor Dones { get; }
    /// <summary>γ^k, the discount of the bootstrap value Q'(s_{t+k}), [B].</summary>
    public Tensor Discounts { get; }
    /// <summary>Buffer slot of each row (row·E + env copy), int64 [B]: for priorities or debugging.</summary>
    public Tensor Indices { get; }

    internal static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);
    internal static Span<long> Longs(Tensor t) => MemoryMarshal.Cast<byte, long>(t.bytes);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in new[] { Observations, Actions, Rewards, NextObservations, Dones, Discounts, Indices })
            t.Dispose();
    }
}
