using EnvRegistry = PolicyGradient.Environments.Envs;
using BenchmarkDotNet.Attributes;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Vector;

namespace PolicyGradient.Bench.Envs;

/// <summary>
/// Environment stepping: one call of each benchmark performs <see cref="StepsPerCall"/> env steps
/// (single env) or <see cref="StepsPerCall"/> / N vector steps of N copies, with pre-drawn random
/// actions, so the reported time per operation divided by <see cref="StepsPerCall"/> is the time
/// per env step.
/// </summary>
[MemoryDiagnoser]
public class EnvStepBenchmarks
{
    public const int StepsPerCall = 65_536;
    const int ActionRows = 4096;

    [Params(256)]
    public int NumEnvs { get; set; }

    IEnv _cartPole = null!, _pendulum = null!;
    float[] _cartPoleActions = null!, _pendulumActions = null!, _vectorActions = null!;
    float[] _cartPoleObs = null!, _pendulumObs = null!;
    IVectorEnv _vector = null!, _vectorThreaded = null!, _vectorGeneric = null!;

    [GlobalSetup]
    public void Setup()
    {
        _cartPole = EnvRegistry.Make("CartPole-v1");
        _cartPoleActions = Draw(_cartPole, ActionRows);
        _cartPoleObs = new float[4];
        _cartPole.Reset(_cartPoleObs, 0);
        if (EnvRegistry.Registered.Any(s => s.Id == "Pendulum-v1"))
        {
            _pendulum = EnvRegistry.Make("Pendulum-v1");
            _pendulumActions = Draw(_pendulum, ActionRows);
            _pendulumObs = new float[_pendulum.ObservationSpace.FlatSize];
            _pendulum.Reset(_pendulumObs, 0);
        }
        _vector = VectorEnvs.Make("CartPole-v1", NumEnvs);
        _vectorThreaded = VectorEnvs.Make("CartPole-v1", NumEnvs, threaded: true);
        _vectorGeneric = VectorEnvs.Make("CartPole-v1", NumEnvs, wrap: e => e); // a wrap forces the generic SyncVectorEnv
        _vectorActions = Draw(_cartPole, NumEnvs);
        foreach (var v in new[] { _vector, _vectorThreaded, _vectorGeneric }) v.Reset(0);
    }

    static float[] Draw(IEnv env, int rows)
    {
        var rng = new Rng(1);
        int k = env.ActionSpace.FlatSize;
        var a = new float[rows * k];
        for (int r = 0; r < rows; r++) env.ActionSpace.Sample(rng, a.AsSpan(r * k, k));
        return a;
    }

    static void StepSingle(IEnv env, float[] actions, float[] obs)
    {
        int k = env.ActionSpace.FlatSize, row = 0;
        for (int t = 0; t < StepsPerCall; t++)
        {
            if (env.Step(actions.AsSpan(row * k, k), obs).Done) env.Reset(obs);
            if (++row == ActionRows) row = 0;
        }
    }

    void StepVector(IVectorEnv venv)
    {
        for (int t = 0; t < StepsPerCall / NumEnvs; t++) venv.Step(_vectorActions);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = StepsPerCall)]
    public void CartPoleSingle() => StepSingle(_cartPole, _cartPoleActions, _cartPoleObs);

    [Benchmark(OperationsPerInvoke = StepsPerCall)]
    public void CartPoleVectorGeneric() => StepVector(_vectorGeneric);

    [Benchmark(OperationsPerInvoke = StepsPerCall)]
    public void CartPoleVectorBatched() => StepVector(_vector);

    [Benchmark(OperationsPerInvoke = StepsPerCall)]
    public void CartPoleVectorThreaded() => StepVector(_vectorThreaded);

    [Benchmark(OperationsPerInvoke = StepsPerCall)]
    public void PendulumSingle()
    {
        if (_pendulum is null) return; // Pendulum-v1 not registered in this build
        StepSingle(_pendulum, _pendulumActions, _pendulumObs);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cartPole.Dispose();
        _pendulum?.Dispose();
        _vector.Dispose();
        _vectorThreaded.Dispose();
        _vectorGeneric.Dispose();
    }
}
