using PolicyGradient.Algorithms;
using PolicyGradient.Training;
using PolicyGradient.Core;
using TorchSharp;

static class DebugDeterminism
{
    sealed class Cb : ITrainingCallback
    {
        public List<string> Log = [];
        public bool OnUpdateEnd(IAlgorithm a, UpdateMetrics m)
        {
            using var s = a.CaptureState();
            double sum = s.Tensors.Where(k => k.Key.StartsWith("policy.")).Sum(k => k.Value.abs().sum().item<float>());
            Log.Add($"u{m.Updates} w={sum:R} " + string.Join(" ", m.Values.Where(k => k.Key != "sps").Select(k => $"{k.Key}={k.Value:R}")));
            return true;
        }
    }
    public static void Run(string algo)
    {
        torch.set_num_threads(1);
        List<string> One()
        {
            using IAlgorithm a = algo.StartsWith("trpo", StringComparison.Ordinal)
                ? new Trpo("CartPole-v1", new TrpoOptions { NEnvs = 2, NSteps = 64, BatchSize = 32, NCriticUpdates = 2, Backend = algo == "trpo-libtorch" ? ComputeBackend.LibTorch : ComputeBackend.Auto }, 4)
                : new Ppo("CartPole-v1", new PpoOptions { NEnvs = 2, NSteps = 32, BatchSize = 16, NEpochs = 2, TargetKl = 0.002, Backend = algo == "ppo-libtorch" ? ComputeBackend.LibTorch : ComputeBackend.Native }, 4);
            var cb = new Cb(); a.Learn(512, cb); return cb.Log;
        }
        var x = One(); var y = One();
        for (int i = 0; i < x.Count; i++) { Console.WriteLine(x[i]); if (x[i] != y[i]) Console.WriteLine("DIFF " + y[i]); }
    }
}
