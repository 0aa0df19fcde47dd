using System.Diagnostics;
using PolicyGradient.Algorithms;
using PolicyGradient.Training;
using PolicyGradient.Training.Configuration;
using PolicyGradient.Core;
using TorchSharp;

/// <summary>
/// Long-run memory stability (issues #4, #5): `PpoSpeed memory &lt;algo&gt; &lt;steps&gt; [samples]` trains the
/// algorithm on CartPole-v1 and, at evenly spaced step marks (checked after each update), records
/// process RSS (VmRSS), the managed heap after a full blocking GC, and TorchSharp's live tensor count
/// (torch.Tensor.TotalCount: tensors created and not yet disposed, process-wide) before and after that
/// GC. A tensor that escapes its dispose scope shows up as a growing "before GC" count (it waits for
/// its finalizer); one still referenced somewhere shows up in the "after GC" count and in RSS.
/// Verdict over the second half of the run (the first half includes allocator/JIT warm-up):
/// RSS least-squares slope in MB per 100k steps, max/min ratio, and failure (exit 1) when the fitted
/// RSS growth over the second half exceeds 5% of its mean, the managed heap grows by more than 5% and
/// 1 MB, or the live tensor count after GC at the end exceeds its value at the half-way mark.
/// </summary>
static class MemoryBench
{
    const double RssBound = 0.05, ManagedBound = 0.05, ManagedFloorMb = 1.0;

    sealed record Sample(long Step, int Updates, double RssMb, double ManagedMb, long TensorsBeforeGc, long TensorsAfterGc, double Seconds);

    sealed class Sampler(long every) : ITrainingCallback
    {
        readonly Stopwatch _sw = Stopwatch.StartNew();
        long _next = every;
        public readonly List<Sample> Samples = [];

        public void OnTrainingStart(IAlgorithm a) => Take(a);

        public bool OnUpdateEnd(IAlgorithm a, UpdateMetrics m)
        {
            if (a.NumTimesteps >= _next) { Take(a); while (_next <= a.NumTimesteps) _next += every; }
            return true;
        }

        void Take(IAlgorithm a)
        {
            long before = torch.Tensor.TotalCount;
            GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
            double managed = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
            long after = torch.Tensor.TotalCount;
            var s = new Sample(a.NumTimesteps, a.NumUpdates, RssMb(), managed, before, after, _sw.Elapsed.TotalSeconds);
            Samples.Add(s);
            Console.WriteLine($"| {s.Step,9:N0} | {s.Updates,7:N0} | {s.RssMb,7:F1} | {s.ManagedMb,7:F2} | {s.TensorsBeforeGc,8:N0} | {s.TensorsAfterGc,8:N0} | {s.Seconds,7:F1} |");
        }
    }

    /// <summary>Resident set size from /proc/self/status (VmRSS, kB); falls back to the working set elsewhere.</summary>
    static double RssMb()
    {
        const string path = "/proc/self/status";
        if (File.Exists(path))
            foreach (var line in File.ReadLines(path))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0]) / 1024.0;
        using var p = Process.GetCurrentProcess();
        return p.WorkingSet64 / 1048576.0;
    }

    static IAlgorithm Make(string algo, int seed) => algo switch
    {
        // rl-baselines3-zoo CartPole-v1 presets (the same as the speed bench, docs/results.md).
        "ppo" => new Ppo("CartPole-v1", new PpoOptions
        {
            NEnvs = 8, NSteps = 32, BatchSize = 256, NEpochs = 20, Gamma = 0.98, GaeLambda = 0.8,
            LearningRate = Schedule.Parse("lin_1e-3"), ClipRange = Schedule.Parse("lin_0.2"), EntCoef = 0.0,
        }, seed),
        "a2c" => new A2c("CartPole-v1", new A2cOptions { NEnvs = 8 }, seed),
        "trpo" => new Trpo("CartPole-v1", new TrpoOptions { NEnvs = 2, NSteps = 512, BatchSize = 512, GaeLambda = 0.98, NCriticUpdates = 20 }, seed),
        "reinforce" => new Reinforce("CartPole-v1", new ReinforceOptions(), seed),
        _ => throw new ArgumentException($"unknown algorithm '{algo}'; use ppo, a2c, trpo or reinforce"),
    };

    public static int Run(string algo, long steps, int samples)
    {
        torch.set_num_threads(1);
        var sampler = new Sampler(Math.Max(1, steps / samples));
        Console.WriteLine($"memory {algo} CartPole-v1, {steps:N0} steps, sample every {steps / samples:N0} steps (after the update that crosses it)");
        Console.WriteLine("| step | updates | RSS MB | managed MB | tensors before GC | tensors after GC | s |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        using (var a = Make(algo, 0))
            a.Learn(steps, sampler);
        var all = sampler.Samples;
        var half = all.Where(s => s.Step >= steps / 2).ToList();
        if (half.Count < 3) { Console.WriteLine("too few samples in the second half; raise steps or samples"); return 1; }

        double rssSlope = Slope(half, s => s.RssMb);                 // MB per step
        double rssMean = half.Average(s => s.RssMb);
        double span = half[^1].Step - half[0].Step;
        double rssGrowth = rssSlope * span / rssMean;                // fitted relative growth over the second half
        double rssRatio = half.Max(s => s.RssMb) / half.Min(s => s.RssMb);
        double mgSlope = Slope(half, s => s.ManagedMb);
        double mgGrowthMb = mgSlope * span;
        double mgGrowth = mgGrowthMb / half.Average(s => s.ManagedMb);
        long tensorsMid = half[0].TensorsAfterGc, tensorsEnd = half[^1].TensorsAfterGc;
        long maxBefore = all.Skip(1).Max(s => s.TensorsBeforeGc);

        Console.WriteLine();
        Console.WriteLine($"second half ({half[0].Step:N0}..{half[^1].Step:N0} steps, {half.Count} samples):");
        Console.WriteLine($"  RSS: slope {rssSlope * 100_000:+0.00;-0.00} MB per 100k steps, fitted growth {rssGrowth:+0.0%;-0.0%} (bound 5%), max/min {rssRatio:F3}, peak over run {all.Max(s => s.RssMb):F1} MB");
        Console.WriteLine($"  managed: slope {mgSlope * 100_000:+0.000;-0.000} MB per 100k steps, fitted growth {mgGrowthMb:+0.00;-0.00} MB ({mgGrowth:+0.0%;-0.0%}; bound 5% and 1 MB)");
        Console.WriteLine($"  live tensors after GC: {tensorsMid} at half-way, {tensorsEnd} at the end; max before GC over the run: {maxBefore}");
        Console.WriteLine($"  wall {all[^1].Seconds:F1} s, {all[^1].Step / all[^1].Seconds:N0} steps/s (including the sampling GCs)");

        var failures = new List<string>();
        if (rssGrowth > RssBound) failures.Add($"RSS grew {rssGrowth:P1} over the second half");
        if (mgGrowth > ManagedBound && mgGrowthMb > ManagedFloorMb) failures.Add($"managed heap grew {mgGrowthMb:F2} MB over the second half");
        if (tensorsEnd > tensorsMid) failures.Add($"live tensors grew from {tensorsMid} to {tensorsEnd}");
        Console.WriteLine(failures.Count == 0 ? "VERDICT: flat" : "VERDICT: LEAK: " + string.Join("; ", failures));
        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>Least-squares slope of y against the step count.</summary>
    static double Slope(List<Sample> xs, Func<Sample, double> y)
    {
        double mx = xs.Average(s => (double)s.Step), my = xs.Average(y);
        double num = xs.Sum(s => (s.Step - mx) * (y(s) - my)), den = xs.Sum(s => (s.Step - mx) * (s.Step - mx));
        return num / den;
    }
}
