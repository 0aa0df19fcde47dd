using System.Diagnostics;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Vector;

namespace PolicyGradient.Cli.Commands;

/// <summary>Measures environment steps per second with pre-drawn random actions (so the policy costs nothing).</summary>
internal static class EnvThroughput
{
    const int ActionRows = 4096;

    /// <summary>Steps one env (with its registered wrappers) for about <paramref name="seconds"/>, resetting at episode ends.</summary>
    internal static Throughput Single(string id, double seconds)
    {
        using var env = Envs.Make(id);
        int k = env.ActionSpace.FlatSize;
        var actions = DrawActions(env.ActionSpace, ActionRows);
        var obs = new float[env.ObservationSpace.FlatSize];
        env.Reset(obs, seed: 0);
        long Run(long steps)
        {
            int row = 0;
            for (long t = 0; t < steps; t++)
            {
                if (env.Step(actions.AsSpan(row * k, k), obs).Done) env.Reset(obs);
                if (++row == ActionRows) row = 0;
            }
            return steps;
        }
        return Measure(Run, seconds);
    }

    /// <summary>Steps a vector env of <paramref name="numEnvs"/> copies; counts every copy's step.</summary>
    internal static Throughput Vector(string id, int numEnvs, bool threaded, int? threads, double seconds)
    {
        using var venv = VectorEnvs.Make(id, numEnvs, threaded, threads);
        const int batches = 64;
        var actions = DrawActions(venv.SingleActionSpace, batches * numEnvs);
        int rowLength = numEnvs * venv.SingleActionSpace.FlatSize;
        venv.Reset(seed: 0);
        long Run(long steps)
        {
            long calls = Math.Max(1, steps / numEnvs);
            int b = 0;
            for (long t = 0; t < calls; t++)
            {
                venv.Step(actions.AsSpan(b * rowLength, rowLength));
                if (++b == batches) b = 0;
            }
            return calls * numEnvs;
        }
        return Measure(Run, seconds);
    }

    static float[] DrawActions(Environments.Spaces.Space space, int rows)
    {
        var rng = new Rng(12345);
        var a = new float[rows * space.FlatSize];
        for (int r = 0; r < rows; r++) space.Sample(rng, a.AsSpan(r * space.FlatSize, space.FlatSize));
        return a;
    }

    /// <summary>
    /// Warms up (JIT tiers), then runs chunks until the time is used; returns steps per wall-clock
    /// second and per CPU-second of this process (the latter is what a quiet machine would show
    /// for one thread when other processes compete for the cores).
    /// </summary>
    static Throughput Measure(Func<long, long> run, double seconds)
    {
        long chunk = 1 << 14;
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < Math.Min(0.5, seconds / 4)) run(chunk);
        // Size chunks to ~10 ms so the clock is read rarely.
        var probe = Stopwatch.StartNew();
        long done = run(chunk);
        double perStep = probe.Elapsed.TotalSeconds / done;
        chunk = Math.Max(1024, (long)(0.01 / Math.Max(perStep, 1e-10)));
        long steps = 0;
        var process = Process.GetCurrentProcess();
        TimeSpan cpu0 = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < seconds) steps += run(chunk);
        double wall = sw.Elapsed.TotalSeconds;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
        return new Throughput(steps / wall, cpu > 0 ? steps / cpu : double.NaN);
    }
}

/// <summary>Steps per wall-clock second and per CPU-second.</summary>
internal readonly record struct Throughput(double PerSecond, double PerCpuSecond);
