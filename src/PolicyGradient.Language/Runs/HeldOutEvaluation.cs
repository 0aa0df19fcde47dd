using PolicyGradient.Core;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using PolicyGradient.Training;

namespace PolicyGradient.Language.Runs;

/// <summary>
/// A language run's evaluation: greedy exact-match accuracy on the task's first
/// <paramref name="problems"/> held-out problems (the same ones every time), reported as "heldout_accuracy".
/// </summary>
internal sealed class HeldOutEvaluation(VerifiableTask task, int problems) : IPolicyEvaluation
{
    /// <summary>The metric key.</summary>
    public const string Metric = "heldout_accuracy";

    readonly IReadOnlyList<TaskSample> _problems = task.HeldOut(problems);

    public string MetricName => Metric;

    public EvaluationResult Evaluate(ILearner learner)
    {
        var policy = learner is LanguageLearner l ? l.Policy : throw new ArgumentException($"{learner.Name} is not a language trainer; held-out accuracy needs one", nameof(learner));
        Diagnostics.MemoryProbe.Mark("evaluation start");
        double accuracy = _problems.Count > 0 ? TaskEvaluation.GreedyAccuracy(policy, task, new CharTokenizer(), _problems) : double.NaN;
        Diagnostics.MemoryProbe.Mark("evaluation done");
        return new EvaluationResult(accuracy, 0, []);
    }

    public void Dispose() { }
}
