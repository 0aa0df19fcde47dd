using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Generation;

/// <summary>Packs token sequences into left-padded batches (so every prompt ends at the same column).</summary>
public static class PromptBatch
{
    /// <summary>Tokens [B, P] (int64, <paramref name="padId"/> on the left) and mask [B, P] (int64 0/1).</summary>
    public static (Tensor Tokens, Tensor Mask) LeftPad(IReadOnlyList<int[]> sequences, int padId, Device? device = null)
    {
        if (sequences.Count == 0) throw new ArgumentException("no sequences to batch");
        int p = sequences.Max(s => s.Length);
        if (p == 0) throw new ArgumentException("every prompt is empty; prompts need at least one token (e.g. BOS)");
        var tokens = new long[sequences.Count * p];
        var mask = new long[sequences.Count * p];
        for (int i = 0; i < sequences.Count; i++)
        {
            int offset = p - sequences[i].Length;
            for (int j = 0; j < p; j++)
            {
                bool real = j >= offset;
                tokens[i * p + j] = real ? sequences[i][j - offset] : padId;
                mask[i * p + j] = real ? 1 : 0;
            }
        }
        long[] shape = [sequences.Count, p];
        return (torch.tensor(tokens, shape, device: device), torch.tensor(mask, shape, device: device));
    }
}
