using static TorchSharp.torch;

namespace PolicyGradient.Core;

/// <summary>
/// A snapshot of an algorithm for checkpoints: named tensors (weights "policy.*", optimizer state
/// "optimizer.*", generator states "rng.*"), scalar counters and flags, the opaque saved state of
/// its environments (<see cref="PolicyGradient.Environments.IStatefulEnv"/>) or problem stream, and
/// named data files in the learner's own formats (a language trainer's Hugging Face config.json and
/// optimizer state). The checkpoint writer stores tensors as safetensors, the files beside them and
/// the rest in the manifest; nothing in it can execute code.
/// </summary>
public sealed class TrainingState : IDisposable
{
    /// <summary>Named tensors, owned by this object (CPU).</summary>
    public Dictionary<string, Tensor> Tensors { get; } = new(StringComparer.Ordinal);

    /// <summary>Counters and small values (e.g. "num_timesteps", "num_updates"), as invariant-culture strings.</summary>
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>Saved environment state (vector env and wrappers), or empty.</summary>
    public byte[] EnvironmentState { get; set; } = [];

    /// <summary>
    /// Further data files by file name (flat names, no folders; not model.safetensors, env-state.bin or
    /// manifest.json), written into the checkpoint folder as they are and listed in its manifest.
    /// </summary>
    public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>The tensor named <paramref name="name"/>, or an <see cref="InvalidDataException"/> naming it.</summary>
    public Tensor RequireTensor(string name) =>
        Tensors.TryGetValue(name, out var t) ? t : throw new InvalidDataException($"the checkpoint has no tensor '{name}'");

    /// <summary>The value named <paramref name="name"/>, or an <see cref="InvalidDataException"/> naming it.</summary>
    public string RequireValue(string name) =>
        Values.TryGetValue(name, out var v) ? v : throw new InvalidDataException($"the checkpoint has no value '{name}'");

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
        Tensors.Clear();
    }
}
