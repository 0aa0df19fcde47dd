using PolicyGradient.Language.Model;
using PolicyGradient.Language.Runs;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using TorchSharp;

namespace PolicyGradient.Tests.Language.Runs;

public class LanguageEvaluationTests
{
    public LanguageEvaluationTests() => torch.set_num_threads(1);

    [Theory]
    [InlineData(5, 2, 2, 0.7)]     // 1 − C(3,2)/C(5,2) = 1 − 3/10
    [InlineData(10, 3, 1, 0.3)]    // pass@1 = c/n
    [InlineData(4, 0, 4, 0.0)]
    [InlineData(4, 1, 4, 1.0)]     // n − c < k: some sample is correct for sure
    [InlineData(6, 2, 3, 0.8)]     // 1 − C(4,3)/C(6,3) = 1 − 4/20
    public void Pass_at_k_is_the_unbiased_estimator(int n, int c, int k, double expected) =>
        Assert.Equal(expected, LanguageEvaluation.PassAtK(n, c, k), 12);

    [Fact]
    public void Greedy_accuracy_matches_task_evaluation_and_near_zero_temperature_sampling_matches_greedy()
    {
        var tok = new CharTokenizer();
        var task = SequenceTask.Reverse(2, 3);
        var policy = new TransformerPolicy(new TransformerConfig { VocabularySize = tok.VocabularySize, Layers = 1, Width = 16, Heads = 2, MaxPositions = 32 }, 3);
        SupervisedFineTuning.Train(policy, task, tok, new SftOptions { Steps = 40, BatchSize = 32, LearningRate = 3e-3 });
        var problems = task.HeldOut(40);
        double greedy = TaskEvaluation.GreedyAccuracy(policy, task, tok, problems);
        var plain = LanguageEvaluation.Evaluate(policy, task, tok, problems);
        Assert.Equal(new LanguageEvalResult(greedy, null, null, problems.Count), plain);
        var sampled = LanguageEvaluation.Evaluate(policy, task, tok, problems, samples: 3, temperature: 1e-4, seed: 5);
        Assert.Equal(greedy, sampled.PassAtK!.Value, 12);
        Assert.Equal(3, sampled.K);
        var hot = LanguageEvaluation.Evaluate(policy, task, tok, problems, samples: 4, temperature: 1.0, seed: 5);
        Assert.InRange(hot.PassAtK!.Value, 0.0, 1.0);
    }
}
