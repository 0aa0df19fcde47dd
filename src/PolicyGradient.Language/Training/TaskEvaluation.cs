using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Training;

/// <summary>Held-out accuracy: greedy decoding, judged by the task's verifier.</summary>
public static class TaskEvaluation
{
    /// <summary>Fraction of <paramref name="samples"/> whose greedy completion verifies.</summary>
    public static double GreedyAccuracy(TransformerPolicy policy, VerifiableTask task, ITokenizer tokenizer,
        IReadOnlyList<TaskSample> samples, int batchSize = 256)
    {
        if (samples.Count == 0) throw new ArgumentException("no samples to evaluate");
        var device = policy.parameters().First().device;
        var options = new SamplingOptions { Greedy = true, MaxNewTokens = task.MaxCompletionLength + 1 };
        bool training = policy.training;
        policy.eval();
        int correct = 0;
        for (int start = 0; start < samples.Count; start += batchSize)
        {
            using var scope = torch.NewDisposeScope();
            var chunk = samples.Skip(start).Take(batchSize).ToArray();
            var (prompt, mask) = TaskBatch.Prompts(chunk, tokenizer, device);
            var result = Sampler.Generate(policy, prompt, mask, tokenizer.EosId, tokenizer.PadId, options);
            var texts = TaskBatch.Decode(result.Tokens, tokenizer);
            for (int i = 0; i < chunk.Length; i++) if (task.Verify(texts[i], chunk[i]) == 1f) correct++;
        }
        if (training) policy.train();
        return correct / (double)samples.Count;
    }
}
