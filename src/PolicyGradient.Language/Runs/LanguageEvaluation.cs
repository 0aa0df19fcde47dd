using PolicyGradient.Environments;
using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Runs;

/// <summary>
/// <c>pg eval</c> for language policies: greedy exact-match accuracy and, with k samples per
/// problem, pass@k by the unbiased estimator of Chen et al. 2021 ("Evaluating Large Language Models
/// Trained on Code", arXiv:2107.03374, eq. 1): pass@k = E[1 − C(n−c, k) / C(n, k)] over problems,
/// with n samples of which c are correct.
/// </summary>
public static class LanguageEvaluation
{
    /// <summary>The problems of a split: "heldout" (the task's seeded held-out set) or "train" (a seeded draw from the training split).</summary>
    /// <exception cref="ArgumentException">Unknown split.</exception>
    public static IReadOnlyList<TaskSample> Problems(VerifiableTask task, string split, int count, long seed = 0) => split.ToLowerInvariant() switch
    {
        "heldout" or "held-out" or "test" => task.HeldOut(count),
        "train" => task.SampleTrain(new Rng(seed + 1_000_000), count),
        _ => throw new ArgumentException($"--split must be heldout or train, got '{split}'"),
    };

    /// <summary>
    /// 1 − C(n−c, k)/C(n, k), computed as 1 − Π_{i=n−c+1..n} (1 − k/i) for numerical stability; 1 when n − c &lt; k.
    /// </summary>
    /// <exception cref="ArgumentException">k outside 1..n or c outside 0..n.</exception>
    public static double PassAtK(int n, int c, int k)
    {
        if (k < 1 || k > n) throw new ArgumentException($"k must be in 1..n ({n}), got {k}");
        if (c < 0 || c > n) throw new ArgumentException($"c must be in 0..n ({n}), got {c}");
        if (n - c < k) return 1.0;
        double prod = 1.0;
        for (int i = n - c + 1; i <= n; i++) prod *= 1.0 - (double)k / i;
        return 1.0 - prod;
    }

    /// <summary>
    /// Greedy accuracy on <paramref name="problems"/>; with <paramref name="samples"/> = k, also pass@k
    /// from k completions per problem sampled at <paramref name="temperature"/> (n = k, so a problem
    /// counts when any of its k samples verifies).
    /// </summary>
    public static LanguageEvalResult Evaluate(TransformerPolicy policy, VerifiableTask task, ITokenizer tokenizer, IReadOnlyList<TaskSample> problems,
        int? samples = null, double temperature = 1.0, long seed = 0, int batchSize = 256)
    {
        if (problems.Count == 0) throw new ArgumentException("no problems to evaluate");
        double accuracy = TaskEvaluation.GreedyAccuracy(policy, task, tokenizer, problems, batchSize);
        if (samples is not int k) return new LanguageEvalResult(accuracy, null, null, problems.Count);
        if (k < 1) throw new ArgumentException($"--samples must be at least 1, got {k}");
        if (!(temperature > 0)) throw new ArgumentException($"--temperature must be > 0, got {temperature}");
        var device = policy.parameters().First().device;
        var generator = new Generator((ulong)seed);
        var options = new SamplingOptions { Temperature = temperature, MaxNewTokens = task.MaxCompletionLength + 1 };
        bool training = policy.training;
        policy.eval();
        double sum = 0;
        int perBatch = Math.Max(1, batchSize / k);
        for (int start = 0; start < problems.Count; start += perBatch)
        {
            using var scope = torch.NewDisposeScope();
            var chunk = problems.Skip(start).Take(perBatch).ToArray();
            var repeated = chunk.SelectMany(p => Enumerable.Repeat(p, k)).ToArray();
            var (prompt, mask) = TaskBatch.Prompts(repeated, tokenizer, device);
            var result = Sampler.Generate(policy, prompt, mask, tokenizer.EosId, tokenizer.PadId, options, generator);
            var texts = TaskBatch.Decode(result.Tokens, tokenizer);
            for (int p = 0; p < chunk.Length; p++)
            {
                int correct = 0;
                for (int j = 0; j < k; j++) if (task.Verify(texts[p * k + j], chunk[p]) == 1f) correct++;
                sum += PassAtK(k, correct, k);
            }
        }
        if (training) policy.train();
        return new LanguageEvalResult(accuracy, sum / problems.Count, k, problems.Count);
    }
}
