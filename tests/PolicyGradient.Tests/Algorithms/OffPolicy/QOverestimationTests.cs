using PolicyGradient.Algorithms;
using PolicyGradient.Environments;
using PolicyGradient.Training;
using PolicyGradient.Training.Callbacks;
using PolicyGradient.Core;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Algorithms.OffPolicy;

/// <summary>The overestimation gauge of evaluation episodes (eval/q_overestimation).</summary>
[Collection("TorchGlobalState")]
public class QOverestimationTests
{
    [Fact]
    public void Gauge_is_the_mean_of_Q_minus_the_discounted_return_obtained_from_each_step()
    {
        var gauge = new QOverestimationGauge(0.5);
        gauge.Add(2, 1);
        gauge.Add(1, 1);
        gauge.EndEpisode();
        // G = 1 + 0.5·1 = 1.5 and 1: mean((2 − 1.5), (1 − 1)) = 0.25.
        Assert.Equal(0.25, gauge.Mean, 12);
        gauge.Add(-3, 2); // a one-step episode: −3 − 2 = −5
        gauge.EndEpisode();
        Assert.Equal((0.5 + 0 - 5) / 3, gauge.Mean, 12);
    }

    [Fact]
    public void Evaluating_an_off_policy_algorithm_reports_the_gauge_from_its_first_critic()
    {
        OneThread();
        using var td3 = new Td3("Pendulum-v1", new Td3Options { NetArch = [16], BatchSize = 8, LearningStarts = 20 }, seed: 1);
        td3.Learn(40);
        using var env = Envs.Make("Pendulum-v1");
        var result = Evaluator.Evaluate(td3, env, 1, seed: 5);
        Assert.NotNull(result.QOverestimation);

        // The same number by hand: Q₁(s_t, a_t) along the episode minus the discounted return from t.
        using var env2 = Envs.Make("Pendulum-v1");
        var obs = new float[3];
        env2.Reset(obs, 5);
        var steps = new List<(double Q, double R)>();
        while (true)
        {
            var action = td3.Predict(obs);
            double q = td3.EstimateQ(obs, action);
            var r = env2.Step(action, obs);
            steps.Add((q, r.Reward));
            if (r.Terminated || r.Truncated) break;
        }
        double g = 0, sum = 0;
        for (int t = steps.Count - 1; t >= 0; t--) { g = steps[t].R + td3.Gamma * g; sum += steps[t].Q - g; }
        Assert.Equal(sum / steps.Count, result.QOverestimation!.Value, 9);
    }

    [Fact]
    public void The_evaluation_callback_adds_q_overestimation_to_the_metrics()
    {
        OneThread();
        using var sac = new Sac("Pendulum-v1", new SacOptions { NetArch = [16], BatchSize = 8, LearningStarts = 20 }, seed: 2);
        sac.Learn(30);
        using var callback = new EvaluationCallback(new EpisodeEvaluation(Envs.Make("Pendulum-v1"), 1, 9), every: 1, csvPath: null);
        var metrics = new UpdateMetrics { Timesteps = 30 };
        callback.OnUpdateEnd(sac, metrics);
        Assert.True(metrics.Values.ContainsKey(EvaluationCallback.QOverestimationMetric));
        Assert.True(double.IsFinite(metrics.Values["q_overestimation"]));
    }
}
