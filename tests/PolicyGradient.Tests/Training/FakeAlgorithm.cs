using System.Diagnostics;
using System.Globalization;
using PolicyGradient.Algorithms;
using PolicyGradient.Environments;
using PolicyGradient.Training;
using PolicyGradient.Training.Configuration;
using PolicyGradient.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Training;

public enum FakeActivation { Tanh, ReLU, LeakyRelu }

/// <summary>A positional record without a parameterless constructor, like NetArch(pi, vf).</summary>
public sealed record FakeArch(int[] Pi, int[] Vf);

/// <summary>A nested options record, like a policy-network record.</summary>
public sealed record FakePolicyOptions
{
    [ConfigRange(1, 4096)] public int[] NetArch { get; init; } = [64, 64];
    public bool OrthoInit { get; init; } = true;
    public double LogStdInit { get; init; }
    public FakeActivation Activation { get; init; } = FakeActivation.Tanh;
    public FakeArch Arch { get; init; } = new([64, 64], [64, 64]);
}

/// <summary>Options shaped like the real algorithms' (zoo keys), with ranges and a cross-field rule.</summary>
public sealed record FakeOptions : IValidatableOptions
{
    [ConfigRange(1, 1024)] public int NEnvs { get; init; } = 2;
    [ConfigRange(1, 1_000_000)] public int NSteps { get; init; } = 16;
    [ConfigRange(1, 1_000_000)] public int BatchSize { get; init; } = 16;
    [ConfigRange(1, 1000)] public int NEpochs { get; init; } = 10;
    [ConfigRange(0, 1)] public double Gamma { get; init; } = 0.99;
    [ConfigRange(0, 1)] public double GaeLambda { get; init; } = 0.95;
    [ConfigRange(0, 1, MinimumExclusive = true)] public Schedule LearningRate { get; init; } = 3e-4;
    [ConfigRange(0, 10, MinimumExclusive = true)] public Schedule ClipRange { get; init; } = 0.2;
    [ConfigRange(0, 10)] public double EntCoef { get; init; }
    [ConfigRange(0, 10)] public double VfCoef { get; init; } = 0.5;
    [ConfigRange(0, 1000, MinimumExclusive = true)] public double MaxGradNorm { get; init; } = 0.5;
    public double? TargetKl { get; init; }
    public bool NormalizeObservations { get; init; }
    public bool NormalizeRewards { get; init; }
    public bool NormalizeAdvantage { get; init; } = true;
    public bool UseRmsProp { get; init; }
    [ConfigRange(0, 1)] public double CgDamping { get; init; } = 0.1;
    [ConfigRange(1, 1000)] public int NCriticUpdates { get; init; } = 10;
    public long SeedOffset { get; init; }
    public string Comment { get; init; } = "";
    /// <summary>Test hook: report a NaN policy loss at this update (-1: never).</summary>
    public int NanAtUpdate { get; init; } = -1;
    public FakePolicyOptions Policy { get; init; } = new();

    public IEnumerable<string> Validate()
    {
        if (BatchSize > NSteps * NEnvs)
            yield return $"batch_size ({BatchSize}) must be <= n_steps × n_envs ({NSteps * NEnvs})";
    }
}

/// <summary>
/// A deterministic stand-in for a real algorithm: random actions from its own Rng on CartPole
/// copies, a weight tensor nudged each update by seeded noise, and full state capture (tensors,
/// generator, env states, episode accumulators) so resume tests can compare bit for bit.
/// </summary>
public sealed class FakeAlgorithm : IAlgorithm
{
    public const string RegisteredName = "fake";
    readonly FakeOptions _o;
    readonly IEnv[] _envs;
    readonly float[][] _obs;
    readonly double[] _epReturn;
    readonly int[] _epLength;
    readonly Rng _rng;
    Tensor _weight;
    Tensor _step;

    public static void Register() =>
        AlgorithmRegistry.Register(new AlgorithmDescriptor(RegisteredName, typeof(FakeOptions), (o, c) => new FakeAlgorithm((FakeOptions)o, c), "test double"));

    public FakeAlgorithm(FakeOptions options, AlgorithmContext context)
    {
        _o = options;
        _envs = Enumerable.Range(0, options.NEnvs).Select(_ => Envs.Make(context.EnvId, context.EnvKwargs)).ToArray();
        _obs = _envs.Select(e => new float[e.ObservationSpace.FlatSize]).ToArray();
        for (int i = 0; i < _envs.Length; i++) _envs[i].Reset(_obs[i], context.Seed + i);
        _epReturn = new double[_envs.Length];
        _epLength = new int[_envs.Length];
        _rng = new Rng(context.Seed);
        int obsSize = _envs[0].ObservationSpace.FlatSize;
        var init = new float[obsSize * 2];
        for (int i = 0; i < init.Length; i++) init[i] = (float)_rng.Normal();
        _weight = tensor(init, [obsSize, 2]);
        _step = tensor(0L);
    }

    public string Name => RegisteredName;
    public long NumTimesteps { get; private set; }
    public int NumUpdates { get; private set; }
    public Tensor Weight => _weight;

    public void Learn(long totalTimesteps, ITrainingCallback? callback = null)
    {
        var clock = Stopwatch.StartNew();
        callback?.OnTrainingStart(this);
        bool go = true;
        while (go && NumTimesteps < totalTimesteps)
        {
            var metrics = new UpdateMetrics();
            for (int t = 0; t < _o.NSteps; t++)
            {
                for (int i = 0; i < _envs.Length; i++)
                {
                    var r = _envs[i].Step([(float)_rng.NextInt(2)], _obs[i]);
                    _epReturn[i] += r.Reward; _epLength[i]++;
                    if (r.Terminated || r.Truncated)
                    {
                        metrics.EpisodeReturns.Add(_epReturn[i]); metrics.EpisodeLengths.Add(_epLength[i]);
                        _epReturn[i] = 0; _epLength[i] = 0;
                        _envs[i].Reset(_obs[i]);
                    }
                }
                NumTimesteps += _envs.Length;
                if (callback is not null && !callback.OnStep(this)) go = false;
            }
            callback?.OnRolloutEnd(this);
            using (var scope = NewDisposeScope())
            {
                var noise = new float[_weight.numel()];
                for (int k = 0; k < noise.Length; k++) noise[k] = (float)_rng.Normal();
                double lr = _o.LearningRate.Value(1.0 - (double)NumTimesteps / Math.Max(totalTimesteps, 1));
                var next = (_weight + tensor(noise, _weight.shape) * (float)lr).MoveToOuterDisposeScope();
                _weight.Dispose(); _weight = next;
                var s = (_step + 1).MoveToOuterDisposeScope();
                _step.Dispose(); _step = s;
            }
            NumUpdates++;
            var m = new UpdateMetrics { Timesteps = NumTimesteps, Updates = NumUpdates, WallSeconds = clock.Elapsed.TotalSeconds };
            foreach (var e in metrics.EpisodeReturns) m.EpisodeReturns.Add(e);
            foreach (var e in metrics.EpisodeLengths) m.EpisodeLengths.Add(e);
            m.Values["policy_loss"] = NumUpdates == _o.NanAtUpdate ? double.NaN : _weight.abs().mean().item<float>();
            m.Values["approx_kl"] = 0.01;
            m.Values["learning_rate"] = _o.LearningRate.Value(1.0 - (double)NumTimesteps / Math.Max(totalTimesteps, 1));
            m.Values["zz_custom"] = NumUpdates % 3;
            if (callback is not null && !callback.OnUpdateEnd(this, m)) go = false;
        }
        callback?.OnTrainingEnd(this);
    }

    public float[] Predict(ReadOnlySpan<float> observation, bool deterministic = true)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var logits = tensor(observation.ToArray(), [1, observation.Length]).matmul(_weight);
        return [(float)logits.argmax(1).item<long>()];
    }

    public TrainingState CaptureState()
    {
        var s = new TrainingState();
        s.Tensors["policy.weight"] = _weight.clone();
        s.Tensors["optimizer.step"] = _step.clone();
        s.Values["num_timesteps"] = NumTimesteps.ToString(CultureInfo.InvariantCulture);
        s.Values["num_updates"] = NumUpdates.ToString(CultureInfo.InvariantCulture);
        s.Values["rng"] = string.Join(",", _rng.GetState());
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            for (int i = 0; i < _envs.Length; i++)
            {
                ((IStatefulEnv)_envs[i]).SaveState(w);
                foreach (float x in _obs[i]) w.Write(x);
                w.Write(_epReturn[i]); w.Write(_epLength[i]);
            }
        }
        s.EnvironmentState = ms.ToArray();
        return s;
    }

    public void RestoreState(TrainingState state)
    {
        if (!state.Tensors.TryGetValue("policy.weight", out var w)) throw new InvalidDataException("tensor 'policy.weight' is missing");
        if (!w.shape.SequenceEqual(_weight.shape)) throw new InvalidDataException($"tensor 'policy.weight' has shape [{string.Join(",", w.shape)}], expected [{string.Join(",", _weight.shape)}]");
        _weight.Dispose(); _weight = w.clone();
        _step.Dispose(); _step = state.Tensors["optimizer.step"].clone();
        NumTimesteps = long.Parse(state.Values["num_timesteps"], CultureInfo.InvariantCulture);
        NumUpdates = int.Parse(state.Values["num_updates"], CultureInfo.InvariantCulture);
        _rng.SetState(state.Values["rng"].Split(',').Select(x => ulong.Parse(x, CultureInfo.InvariantCulture)).ToArray());
        using var r = new BinaryReader(new MemoryStream(state.EnvironmentState));
        for (int i = 0; i < _envs.Length; i++)
        {
            ((IStatefulEnv)_envs[i]).LoadState(r);
            for (int k = 0; k < _obs[i].Length; k++) _obs[i][k] = r.ReadSingle();
            _epReturn[i] = r.ReadDouble(); _epLength[i] = r.ReadInt32();
        }
    }

    public void Dispose()
    {
        _weight.Dispose(); _step.Dispose();
        foreach (var e in _envs) e.Dispose();
    }
}
