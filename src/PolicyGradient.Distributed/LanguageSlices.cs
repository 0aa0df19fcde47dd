using PolicyGradient.Language.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Distributed;

/// <summary>Language slices back into the trainer's tensors: rows of the slices in order.</summary>
internal static class LanguageSlices
{
    /// <summary>Token ids [Σ rows, C].</summary>
    public static Tensor Tokens(IReadOnlyList<LanguageSlice> slices, Device device) =>
        torch.cat(slices.Select(s => torch.tensor(s.Tokens, [s.Rows, s.Columns], device: device)).ToArray(), 0);

    /// <summary>Response masks [Σ rows, C].</summary>
    public static Tensor Mask(IReadOnlyList<LanguageSlice> slices, Device device) =>
        torch.cat(slices.Select(s => torch.tensor(s.Mask, [s.Rows, s.Columns], device: device)).ToArray(), 0);

    /// <summary>The sampler's log-probs [Σ rows, C].</summary>
    public static Tensor LogProbs(IReadOnlyList<LanguageSlice> slices, Device device) =>
        torch.cat(slices.Select(s => torch.tensor(s.LogProbs, [s.Rows, s.Columns], device: device)).ToArray(), 0);

    /// <summary>The problems of the rows (async slices carry them).</summary>
    public static TaskSample[] Samples(IReadOnlyList<LanguageSlice> slices) =>
        slices.SelectMany(s => s.Samples).Select(m => new TaskSample(m.Prompt, m.Reference, m.Numbers)).ToArray();
}
