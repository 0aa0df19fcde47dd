using System.Globalization;
using PolicyGradient.Environments;
using PolicyGradient.Core;

namespace PolicyGradient.Training.Callbacks;

/// <summary>
/// Every <see cref="Every"/> units of progress (at an update boundary) evaluates the policy through an
/// <see cref="IPolicyEvaluation"/> (episodes for environment runs, held-out accuracy for language
/// runs), adds the mean to that update's metrics under the evaluation's metric name and, with a CSV
/// path, appends a row to evaluations.csv (timesteps, mean, std, episodes).
/// </summary>
public sealed class EvaluationCallback : IRunCallback, IDisposable
{
    readonly IPolicyEvaluation _evaluation;
    readonly string? _csvPath;
    readonly long _evaluateAt;
    readonly bool _aligned;
    long _last;

    /// <summary>Episodes of the deterministic policy on <paramref name="env"/> (owned), rows in <paramref name="csvPath"/>.</summary>
    public EvaluationCallback(IEnv env, long every, int episodes, long seed, string csvPath, long lastEvalTimesteps = 0)
        : this(new EpisodeEvaluation(env, episodes, seed), every, csvPath, lastEvalTimesteps) => Episodes = episodes;

    /// <summary>Any evaluation (owned).</summary>
    /// <param name="evaluation">What to measure.</param>
    /// <param name="every">Progress between evaluations (≤ 0: none by period).</param>
    /// <param name="csvPath">evaluations.csv, or null for none.</param>
    /// <param name="lastEvalProgress">Progress of the last evaluation before a resume.</param>
    /// <param name="evaluateAt">Also evaluate when progress reaches exactly this (the run's end), 0 for never.</param>
    /// <param name="aligned">Evaluate at the multiples of <paramref name="every"/> (language steps, which count one by one)
    /// rather than <paramref name="every"/> after the previous evaluation (environment timesteps, which jump by a rollout).</param>
    public EvaluationCallback(IPolicyEvaluation evaluation, long every, string? csvPath, long lastEvalProgress = 0, long evaluateAt = 0, bool aligned = false)
    {
        _evaluation = evaluation;
        _csvPath = csvPath;
        _evaluateAt = evaluateAt;
        _aligned = aligned;
        _last = lastEvalProgress;
        Every = every;
    }

    /// <summary>The metric key of the overestimation gauge of algorithms with a critic (TensorBoard eval/q_overestimation).</summary>
    public const string QOverestimationMetric = "q_overestimation";

    /// <summary>Evaluation period in units of progress.</summary>
    public long Every { get; }

    /// <summary>Episodes per evaluation (environment runs), else 0.</summary>
    public int Episodes { get; }

    /// <summary>The most recent result, or null.</summary>
    public EvaluationResult? Last { get; private set; }

    /// <summary>Progress of the most recent evaluation (saved in checkpoints).</summary>
    public long LastTimesteps => _last;

    /// <inheritdoc />
    public bool OnUpdateEnd(ILearner learner, UpdateMetrics metrics)
    {
        if (!Due(metrics.Timesteps)) return true;
        _last = metrics.Timesteps;
        Last = _evaluation.Evaluate(learner);
        metrics.Values[_evaluation.MetricName] = Last.MeanReturn;
        if (Last.QOverestimation is double gauge) metrics.Values[QOverestimationMetric] = gauge;
        if (_csvPath is null) return true;
        bool header = !File.Exists(_csvPath);
        string row = string.Create(CultureInfo.InvariantCulture, $"{metrics.Timesteps},{Last.MeanReturn:R},{Last.StdReturn:R},{Last.Returns.Count}\n");
        File.AppendAllText(_csvPath, (header ? "timesteps,mean_return,std_return,episodes\n" : "") + row);
        return true;
    }

    bool Due(long progress)
    {
        if (_evaluateAt > 0 && progress == _evaluateAt) return true;
        if (Every <= 0) return false;
        return _aligned ? progress % Every == 0 : progress - _last >= Every;
    }

    /// <inheritdoc />
    public void Dispose() => _evaluation.Dispose();
}
