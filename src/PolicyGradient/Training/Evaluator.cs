using PolicyGradient.Algorithms;
using PolicyGradient.Environments;
using PolicyGradient.Core;

namespace PolicyGradient.Training;

/// <summary>
/// Runs whole episodes of a trained policy on a separate environment (never the training envs,
/// whose state and statistics must not change) and reports the mean and standard deviation of the
/// returns. Episode i resets with seed + i, so an evaluation is reproducible.
/// </summary>
public static class Evaluator
{
    /// <summary>Safety cap for environments without a time limit.</summary>
    public const int MaxStepsPerEpisode = 1_000_000;

    /// <summary>Evaluates <paramref name="algorithm"/> for <paramref name="episodes"/> episodes.</summary>
    /// <returns>Per-episode returns, their mean and (population) standard deviation.</returns>
    public static EvaluationResult Evaluate(IAlgorithm algorithm, IEnv env, int episodes, long seed, bool deterministic = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 1);
        var returns = new double[episodes];
        var obs = new float[env.ObservationSpace.FlatSize];
        var critic = algorithm as IActionValueEstimator;
        var gauge = new QOverestimationGauge(critic?.Gamma ?? 1);
        // A masked env (IActionMaskProvider) and a policy that acts under masks: choose among the allowed actions only.
        var masker = algorithm as IMaskedPredictor;
        var provider = masker is null ? null : ActionMasks.Find(env);
        var mask = provider is null ? [] : new bool[ActionMasks.Size(env.ActionSpace)];
        for (int i = 0; i < episodes; i++)
        {
            env.Reset(obs, seed + i);
            (algorithm as IRecurrentPolicy)?.ResetState(); // a policy with memory starts each episode from a zero state
            double total = 0;
            for (int t = 0; t < MaxStepsPerEpisode; t++)
            {
                provider?.WriteActionMask(mask);
                float[] action = provider is null ? algorithm.Predict(obs, deterministic) : masker!.Predict(obs, mask, deterministic);
                double q = critic?.EstimateQ(obs, action) ?? 0;
                var r = env.Step(action, obs);
                total += r.Reward;
                if (critic is not null) gauge.Add(q, r.Reward);
                if (r.Terminated || r.Truncated) break;
            }
            returns[i] = total;
            gauge.EndEpisode();
        }
        double mean = returns.Average();
        double std = Math.Sqrt(returns.Select(x => (x - mean) * (x - mean)).Average());
        return new EvaluationResult(mean, std, returns) { QOverestimation = critic is null ? null : gauge.Mean };
    }
}
