using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Training;

/// <summary>Turns task samples into model inputs: BOS + prompt (left-padded), reference + EOS (right-padded).</summary>
public static class TaskBatch
{
    /// <summary>Left-padded prompt tokens and mask [B, P] for <paramref name="samples"/>.</summary>
    public static (Tensor Tokens, Tensor Mask) Prompts(IReadOnlyList<TaskSample> samples, ITokenizer tokenizer, Device? device = null) =>
        PromptBatch.LeftPad(samples.Select(s => (int[])[tokenizer.BosId, .. tokenizer.Encode(s.Prompt)]).ToArray(), tokenizer.PadId, device);

    /// <summary>Reference completions + EOS as tokens [B, C] (pad on the right) and a float mask [B, C].</summary>
    public static (Tensor Tokens, Tensor Mask) References(IReadOnlyList<TaskSample> samples, ITokenizer tokenizer, Device? device = null)
    {
        var seqs = samples.Select(s => (int[])[.. tokenizer.Encode(s.Reference), tokenizer.EosId]).ToArray();
        int c = seqs.Max(s => s.Length);
        var tokens = new long[seqs.Length * c];
        var mask = new float[seqs.Length * c];
        for (int i = 0; i < seqs.Length; i++)
            for (int j = 0; j < c; j++)
            {
                bool real = j < seqs[i].Length;
                tokens[i * c + j] = real ? seqs[i][j] : tokenizer.PadId;
                mask[i * c + j] = real ? 1 : 0;
            }
        long[] shape = [seqs.Length, c];
        return (torch.tensor(tokens, shape, device: device), torch.tensor(mask, shape, device: device));
    }

    /// <summary>Decoded completions (up to EOS) of a generation result.</summary>
    public static string[] Decode(Tensor tokens, ITokenizer tokenizer)
    {
        long b = tokens.shape[0], c = tokens.shape[1];
        var ids = tokens.cpu().data<long>().ToArray();
        return Enumerable.Range(0, (int)b)
            .Select(i => tokenizer.Decode(ids.Skip(i * (int)c).Take((int)c).Select(x => (int)x).ToArray()))
            .ToArray();
    }
}
