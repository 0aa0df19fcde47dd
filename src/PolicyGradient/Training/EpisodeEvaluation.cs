using PolicyGradient.Core;
using PolicyGradient.Environments;

namespace PolicyGradient.Training;

/// <summary>
/// The deterministic policy of an environment algorithm for <paramref name="episodes"/> episodes on
/// its own environment (never the training envs), episode i reset with <paramref name="seed"/> + i.
/// Owns <paramref name="env"/>.
/// </summary>
public sealed class EpisodeEvaluation(IEnv env, int episodes, long seed) : IPolicyEvaluation
{
    /// <summary>The metric key of the mean return.</summary>
    public const string Metric = "eval_return_mean";

    /// <inheritdoc />
    public string MetricName => Metric;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The learner is not an environment algorithm.</exception>
    public EvaluationResult Evaluate(ILearner learner) => learner is IAlgorithm algorithm
        ? Evaluator.Evaluate(algorithm, env, episodes, seed, deterministic: true)
        : throw new ArgumentException($"{learner.Name} is not an environment algorithm; episode evaluation needs one", nameof(learner));

    /// <inheritdoc />
    public void Dispose() => env.Dispose();
}
