using PolicyGradient.Algorithms;
using PolicyGradient.Environments;
using PolicyGradient.Training;
using PolicyGradient.Core;
using TorchSharp;

namespace PolicyGradient.Tests.Algorithms;

internal static class AlgorithmTestHelpers
{
    /// <summary>Mean return of deterministic greedy episodes on CartPole-v1.</summary>
    public static double EvaluateCartPole(IAlgorithm algorithm, int episodes, long seed) => Evaluate(algorithm, "CartPole-v1", episodes, seed);

    /// <summary>Mean return of deterministic episodes of <paramref name="envId"/>, episode i seeded seed + i.</summary>
    public static double Evaluate(IAlgorithm algorithm, string envId, int episodes, long seed)
    {
        using var env = Envs.Make(envId);
        double sum = 0;
        for (int e = 0; e < episodes; e++)
        {
            var (obs, _) = env.Reset(seed + e);
            while (true)
            {
                var t = env.Step(algorithm.Predict(obs));
                sum += t.Reward; obs = t.Observation;
                if (t.Terminated || t.Truncated) break;
            }
        }
        return sum / episodes;
    }

    /// <summary>The policy weights, flattened per name.</summary>
    public static Dictionary<string, float[]> Weights(IAlgorithm algorithm)
    {
        using var state = algorithm.CaptureState();
        return state.Tensors.Where(kv => kv.Key.StartsWith("policy.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value.contiguous().data<float>().ToArray());
    }

    /// <summary>Asserts two weight sets are bit-identical.</summary>
    public static void AssertSameWeights(Dictionary<string, float[]> a, Dictionary<string, float[]> b)
    {
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var k in a.Keys) Assert.True(a[k].SequenceEqual(b[k]), $"weights '{k}' differ");
    }

    /// <summary>Records every update's metrics.</summary>
    public sealed class Recorder : ITrainingCallback
    {
        public List<UpdateMetrics> Updates { get; } = [];
        public int Steps;
        public bool Started, Ended;
        public int Rollouts;
        public void OnTrainingStart(IAlgorithm algorithm) => Started = true;
        public bool OnStep(IAlgorithm algorithm) { Steps++; return true; }
        public void OnRolloutEnd(IAlgorithm algorithm) => Rollouts++;
        public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics) { Updates.Add(metrics); return true; }
        public void OnTrainingEnd(IAlgorithm algorithm) => Ended = true;
    }

    public static void OneThread() => torch.set_num_threads(1);
}
