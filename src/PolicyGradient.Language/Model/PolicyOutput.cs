using static TorchSharp.torch;

namespace PolicyGradient.Language.Model;

/// <summary>What a forward pass returns.</summary>
/// <param name="Logits">[B, T, V] next-token logits at each input position.</param>
/// <param name="Values">[B, T] value-head outputs, when the model has a value head.</param>
public sealed record PolicyOutput(Tensor Logits, Tensor? Values);
