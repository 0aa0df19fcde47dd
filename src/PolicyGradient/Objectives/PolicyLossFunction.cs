using static TorchSharp.torch;

namespace PolicyGradient.Objectives;

/// <summary>
/// The uniform signature of a policy loss (verl's registered <c>policy_loss</c> functions): inputs in,
/// the unaggregated loss out — per token [B, L], or per sequence [B] when the entry says
/// <see cref="PolicyLossEntry.PerSequence"/> — and a boolean mask [B, L] of the tokens a clip (or
/// the loss's own rule) bounded, for the clip-fraction metric.
/// </summary>
public delegate (Tensor Loss, Tensor ClippedMask) PolicyLossFunction(PolicyLossInput input);
