using EnvRegistry = PolicyGradient.Environments.Envs;
using BenchmarkDotNet.Attributes;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Bench.Envs;

/// <summary>
/// The cost of <see cref="GuardedEnv"/> on CartPole-v1 (TimeLimit(CartPole)) stepping: each call
/// performs <see cref="StepsPerCall"/> steps with pre-drawn random actions (reset on episode end),
/// plain, guarded, and guarded in strict mode. Results: docs/reliability-envs.md.
/// </summary>
[MemoryDiagnoser]
public class GuardedEnvBenchmarks
{
    public const int StepsPerCall = 65_536;

    IEnv _plain = null!, _guarded = null!, _strict = null!;
    float[] _actions = null!;
    readonly float[] _obs = new float[4];

    [GlobalSetup]
    public void Setup()
    {
        _plain = EnvRegistry.Make("CartPole-v1");
        _guarded = new GuardedEnv(EnvRegistry.Make("CartPole-v1"));
        _strict = new GuardedEnv(EnvRegistry.Make("CartPole-v1"), strict: true);
        var rng = new Rng(1);
        _actions = new float[4096];
        for (int i = 0; i < _actions.Length; i++) _actions[i] = rng.NextInt(2);
        foreach (var e in new[] { _plain, _guarded, _strict }) e.Reset(_obs, 0);
    }

    /// <summary>Steps <paramref name="env"/> <see cref="StepsPerCall"/> times.</summary>
    public static double Run(IEnv env, float[] actions, float[] obs, int steps)
    {
        double total = 0;
        for (int t = 0; t < steps; t++)
        {
            var r = env.Step(actions.AsSpan(t & (actions.Length - 1), 1), obs);
            total += r.Reward;
            if (r.Terminated || r.Truncated) env.Reset(obs);
        }
        return total;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = StepsPerCall)]
    public double Plain() => Run(_plain, _actions, _obs, StepsPerCall);

    [Benchmark(OperationsPerInvoke = StepsPerCall)]
    public double Guarded() => Run(_guarded, _actions, _obs, StepsPerCall);

    [Benchmark(OperationsPerInvoke = StepsPerCall)]
    public double GuardedStrict() => Run(_strict, _actions, _obs, StepsPerCall);
}
