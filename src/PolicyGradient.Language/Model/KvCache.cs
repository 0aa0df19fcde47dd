using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Model;

/// <summary>
/// Keys and values of every layer for the positions processed so far, preallocated to
/// [B, key/value heads, capacity, head size] so each decoding step writes in place (no reallocation). Owns its
/// tensors: dispose it when generation ends.
/// </summary>
public sealed class KvCache : IDisposable
{
    readonly Tensor[] _keys, _values;

    /// <summary>Positions already stored.</summary>
    public int Length { get; internal set; }
    /// <summary>Most positions this cache can hold.</summary>
    public int Capacity { get; }

    internal KvCache(int layers, long batch, int heads, int headSize, int capacity, ScalarType dtype, Device device)
    {
        Capacity = capacity;
        _keys = new Tensor[layers];
        _values = new Tensor[layers];
        for (int i = 0; i < layers; i++)
        {
            _keys[i] = torch.zeros([batch, heads, capacity, headSize], dtype, device).DetachFromDisposeScope();
            _values[i] = torch.zeros([batch, heads, capacity, headSize], dtype, device).DetachFromDisposeScope();
        }
    }

    /// <summary>Writes k, v [B, H, T, D] of <paramref name="layer"/> at positions Length..Length+T and returns all stored so far.</summary>
    internal (Tensor Keys, Tensor Values) Append(int layer, Tensor k, Tensor v)
    {
        long t = k.shape[2];
        if (Length + t > Capacity) throw new InvalidOperationException($"KV cache full: {Length} + {t} positions exceed its capacity {Capacity}");
        using (torch.no_grad())
        {
            _keys[layer].narrow(2, Length, t).copy_(k);
            _values[layer].narrow(2, Length, t).copy_(v);
        }
        return (_keys[layer].narrow(2, 0, Length + t), _values[layer].narrow(2, 0, Length + t));
    }

    /// <summary>Frees the cached tensors.</summary>
    public void Dispose()
    {
        foreach (var t in _keys) t.Dispose();
        foreach (var t in _values) t.Dispose();
    }
}
