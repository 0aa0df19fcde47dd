using System.Globalization;
using PolicyGradient.Algorithms;
using PolicyGradient.Environments;
using PolicyGradient.Core;

namespace PolicyGradient.Training.Callbacks;

/// <summary>
/// Every <see cref="Every"/> timesteps (at an update boundary) evaluates the deterministic policy
/// for <see cref="Episodes"/> episodes on its own environment, adds "eval_return_mean" to that
/// update's metrics, and appends a row to evaluations.csv (timesteps, mean, std, episodes).
/// </summary>
public sealed class EvaluationCallback(IEnv env, long every, int episodes, long seed, string csvPath, long lastEvalTimesteps = 0)
    : ITrainingCallback, IDisposable
{
    long _last = lastEvalTimesteps;

    /// <summary>Evaluation period in timesteps.</summary>
    public long Every { get; } = every;

    /// <summary>Episodes per evaluation.</summary>
    public int Episodes { get; } = episodes;

    /// <summary>The most recent result, or null.</summary>
    public EvaluationResult? Last { get; private set; }

    /// <summary>Timesteps of the most recent evaluation (saved in checkpoints).</summary>
    public long LastTimesteps => _last;

    /// <inheritdoc />
    public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics)
    {
        if (Every <= 0 || metrics.Timesteps - _last < Every) return true;
        _last = metrics.Timesteps;
        // The same seeds every time: differences between evaluations come from the policy alone.
        Last = Evaluator.Evaluate(algorithm, env, Episodes, seed, deterministic: true);
        metrics.Values["eval_return_mean"] = Last.MeanReturn;
        bool header = !File.Exists(csvPath);
        string row = string.Create(CultureInfo.InvariantCulture, $"{metrics.Timesteps},{Last.MeanReturn:R},{Last.StdReturn:R},{Episodes}\n");
        File.AppendAllText(csvPath, (header ? "timesteps,mean_return,std_return,episodes\n" : "") + row);
        return true;
    }

    /// <inheritdoc />
    public void Dispose() => env.Dispose();
}
