using PolicyGradient.Core;

namespace PolicyGradient.Training;

/// <summary>
/// How a run measures its policy apart from training, for <see cref="Callbacks.EvaluationCallback"/>:
/// whole episodes on a separate environment (<see cref="EpisodeEvaluation"/>), or a language task's
/// held-out accuracy. Every call uses the same seeds or problems, so differences between
/// evaluations come from the policy alone.
/// </summary>
public interface IPolicyEvaluation : IDisposable
{
    /// <summary>The metric the result's mean is reported as ("eval_return_mean", "heldout_accuracy").</summary>
    string MetricName { get; }

    /// <summary>Evaluates the learner's current policy (between updates).</summary>
    EvaluationResult Evaluate(ILearner learner);
}
