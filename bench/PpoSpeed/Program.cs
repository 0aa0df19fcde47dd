using System.Diagnostics;
using PolicyGradient.Algorithms;
using PolicyGradient.Environments;
using PolicyGradient.Training;
using PolicyGradient.Training.Configuration;
using PolicyGradient.Core;
using TorchSharp;

// PPO CartPole-v1 with the rl-baselines3-zoo preset: 8 envs, n_steps 32, batch 256, 20 epochs,
// gamma 0.98, lambda 0.8, lr lin_1e-3, clip lin_0.2, 100k steps (= 7,800 minibatch updates).
if (Environment.GetEnvironmentVariable("PG_REPRODUCIBLE_BLAS") is not null) PolicyGradient.Algorithms.ReproducibleBlas.Enable();
if (args.Length > 1 && args[0] == "debug") { DebugDeterminism.Run(args[1]); return 0; }
if (args.Length > 2 && args[0] == "memory") return MemoryBench.Run(args[1], long.Parse(args[2]), args.Length > 3 ? int.Parse(args[3]) : 40);
if (args.Length > 0 && args[0] == "breakdown") { Breakdown.Run(); return 0; }
if (args.Length > 0 && args[0] == "gemm") { torch.set_num_threads(int.Parse(args.Length > 1 ? args[1] : "1")); GemmSpeed.Run(); return 0; }
if (args.Length > 0 && args[0] == "offpolicy") { OffPolicySpeed.Run(args.Length > 1 ? int.Parse(args[1]) : 1000); return 0; }
if (args.Length > 0 && args[0] == "micro") { torch.set_num_threads(1); Micro.Run(2000); return 0; }
int seeds = args.Length > 0 ? int.Parse(args[0]) : 1;
long steps = args.Length > 1 ? long.Parse(args[1]) : 100_000;
string algo = args.Length > 2 ? args[2] : "ppo";
torch.set_num_threads(1);
var options = new PpoOptions
{
    NEnvs = 8, NSteps = 32, BatchSize = 256, NEpochs = 20, Gamma = 0.98, GaeLambda = 0.8,
    LearningRate = Schedule.Parse("lin_1e-3"), ClipRange = Schedule.Parse("lin_0.2"), EntCoef = 0.0,
};
for (int seed = 0; seed < seeds; seed++)
{
    using IAlgorithm ppo = algo switch
    {
        // rl-baselines3-zoo style settings for the others (see docs/results.md for the exact values).
        "trpo" or "trpo-libtorch" => new Trpo("CartPole-v1", new TrpoOptions { NEnvs = 2, NSteps = 512, BatchSize = 512, GaeLambda = 0.98, NCriticUpdates = 20, Backend = Backend(algo) }, seed),
        "a2c" or "a2c-libtorch" => new A2c("CartPole-v1", new A2cOptions { NEnvs = 8, Backend = Backend(algo) }, seed), // zoo: 8 envs, SB3 defaults
        "reinforce" or "reinforce-libtorch" => new Reinforce("CartPole-v1", new ReinforceOptions { Backend = Backend(algo) }, seed), // defaults: 2 envs × 1000 steps, Adam 2e-3, value baseline
        "reinforce-short" => new Reinforce("CartPole-v1", new ReinforceOptions { NEnvs = 4, NSteps = 256, LearningRate = 3e-3 }, seed),
        "reinforce3" => new Reinforce("CartPole-v1", new ReinforceOptions { NEnvs = 8, NSteps = 500, LearningRate = 5e-3, MaxGradNorm = 1.0 }, seed),
        "ppo-libtorch" => new Ppo("CartPole-v1", options with { Backend = ComputeBackend.LibTorch }, seed),
        _ => new Ppo("CartPole-v1", options, seed),
    };
    var timer = new PhaseTimer();
    var sw = Stopwatch.StartNew();
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    ppo.Learn(steps, timer);
    double total = sw.Elapsed.TotalSeconds;
    double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
    double eval = Evaluate(ppo, 10, 1000 + seed);
    Console.WriteLine($"{algo} ({ppo.Backend}) seed {seed}: {total:F2} s wall, {cpu:F2} s CPU (rollout {timer.Rollout:F2} s, update {timer.Update:F2} s), {ppo.NumUpdates} updates, train ep-return(last100) {timer.LastReturn:F1}, eval mean {eval:F1}");
}
return 0;

// "<algo>-libtorch" forces the tensor path; the plain name takes the default (native where it applies).
static ComputeBackend Backend(string algo) => algo.EndsWith("-libtorch", StringComparison.Ordinal) ? ComputeBackend.LibTorch : ComputeBackend.Auto;

static double Evaluate(IAlgorithm algo, int episodes, long seed)
{
    var env = Envs.Make("CartPole-v1");
    double sum = 0;
    for (int e = 0; e < episodes; e++)
    {
        var (obs, _) = env.Reset(seed + e);
        while (true)
        {
            var t = env.Step(algo.Predict(obs, deterministic: true));
            sum += t.Reward; obs = t.Observation;
            if (t.Terminated || t.Truncated) break;
        }
    }
    return sum / episodes;
}

sealed class PhaseTimer : ITrainingCallback
{
    readonly Stopwatch _sw = new();
    public double Rollout, Update, LastReturn;
    public void OnTrainingStart(IAlgorithm a) => _sw.Restart();
    public void OnRolloutEnd(IAlgorithm a) { Rollout += _sw.Elapsed.TotalSeconds; _sw.Restart(); }
    public bool OnUpdateEnd(IAlgorithm a, UpdateMetrics m)
    {
        Update += _sw.Elapsed.TotalSeconds; _sw.Restart();
        if (m.Values.TryGetValue("episode_return_mean", out var r)) LastReturn = r;
        return true;
    }
}
