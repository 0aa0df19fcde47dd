using System.Globalization;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Vector;

namespace PolicyGradient.Environments.ClassicControl;

/// <summary>
/// N CartPole-v1 copies (with the 500-step time limit) stepped as arrays — structure of arrays,
/// no virtual call per copy — optionally over several threads. It gives exactly the numbers of
/// a <see cref="SyncVectorEnv"/> over <c>Envs.Make("CartPole-v1")</c> copies: the same float64
/// arithmetic in the same order as <see cref="CartPole"/>, one <see cref="Rng"/> per copy seeded
/// with seed + i, same-step autoreset. <see cref="VectorEnvs.Make"/> picks it for unwrapped
/// CartPole-v1; a test checks the equivalence.
/// </summary>
public sealed class CartPoleVectorEnv : IVectorEnv, IStatefulEnv
{
    // Gymnasium's constants, as in CartPole.
    const double Gravity = 9.8, MassCart = 1.0, MassPole = 0.1, TotalMass = MassPole + MassCart;
    const double Length = 0.5, PoleMassLength = MassPole * Length, ForceMag = 10.0, Tau = 0.02;
    const int ObsSize = 4;

    readonly CartPole _prototype = new();
    readonly double[] _x, _xDot, _theta, _thetaDot;
    readonly int[] _elapsed;
    readonly Rng?[] _rng;
    readonly float[] _actions;
    readonly int[] _bounds;
    readonly WorkerTeam? _team;
    bool _started, _reset;
    long? _seed;

    /// <summary>Creates <paramref name="numEnvs"/> copies.</summary>
    /// <param name="numEnvs">Number of copies.</param>
    /// <param name="maxEpisodeSteps">Time limit (CartPole-v1: 500; 0 for none).</param>
    /// <param name="threads">Threads including the caller's (1: in-thread).</param>
    public CartPoleVectorEnv(int numEnvs, int maxEpisodeSteps = 500, int threads = 1)
    {
        if (numEnvs <= 0) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, "numEnvs must be >= 1");
        if (maxEpisodeSteps < 0) throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, "the time limit must be >= 0 (0: none)");
        if (threads <= 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be >= 1");
        NumEnvs = numEnvs;
        MaxEpisodeSteps = maxEpisodeSteps;
        _x = new double[numEnvs]; _xDot = new double[numEnvs]; _theta = new double[numEnvs]; _thetaDot = new double[numEnvs];
        _elapsed = new int[numEnvs];
        _rng = new Rng?[numEnvs];
        _actions = new float[numEnvs];
        Observations = new float[numEnvs * ObsSize];
        FinalObservations = new float[numEnvs * ObsSize];
        Rewards = new double[numEnvs];
        Terminated = new bool[numEnvs];
        Truncated = new bool[numEnvs];
        Infos = new IReadOnlyDictionary<string, object>?[numEnvs];
        int t = Math.Min(threads, numEnvs);
        _bounds = WorkerTeam.Bounds(numEnvs, t);
        if (t > 1) _team = new WorkerTeam(t, 2000, RunRange, nameof(CartPoleVectorEnv));
    }

    /// <inheritdoc />
    public int NumEnvs { get; }

    /// <summary>The time limit (0: none).</summary>
    public int MaxEpisodeSteps { get; }

    /// <summary>Threads stepping the copies (the caller's included).</summary>
    public int Threads => _bounds.Length - 1;

    /// <inheritdoc />
    public Space SingleObservationSpace => _prototype.ObservationSpace;

    /// <inheritdoc />
    public Space SingleActionSpace => _prototype.ActionSpace;

    /// <inheritdoc />
    public float[] Observations { get; }

    /// <inheritdoc />
    public float[] FinalObservations { get; }

    /// <inheritdoc />
    public double[] Rewards { get; }

    /// <inheritdoc />
    public bool[] Terminated { get; }

    /// <inheritdoc />
    public bool[] Truncated { get; }

    /// <summary>Always null entries: CartPole gives no info.</summary>
    public IReadOnlyDictionary<string, object>?[] Infos { get; }

    /// <inheritdoc />
    public void Reset(long? seed = null)
    {
        _reset = true;
        _seed = seed;
        Run();
        _started = true;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The buffer does not hold NumEnvs values, or an action is not 0 or 1.</exception>
    public void Step(ReadOnlySpan<float> actions)
    {
        if (actions.Length != NumEnvs)
            throw new ArgumentException($"{nameof(CartPoleVectorEnv)}: actions must hold NumEnvs × action size = {NumEnvs} × 1 = {NumEnvs} values, got {actions.Length}", nameof(actions));
        if (!_started)
            throw new InvalidOperationException($"{nameof(CartPoleVectorEnv)}: Step was called before Reset; call Reset(seed) first");
        for (int i = 0; i < actions.Length; i++)
        {
            float a = actions[i];
            if (a != 0f && a != 1f)
                throw new ArgumentException($"CartPole-v1: action {a.ToString(CultureInfo.InvariantCulture)} of copy {i} is not in the action space Discrete(2); give an integer in [0, 1]", nameof(actions));
        }
        actions.CopyTo(_actions);
        _reset = false;
        Run();
    }

    void Run()
    {
        if (_team is null) RunRange(0);
        else _team.Run();
    }

    void RunRange(int p)
    {
        if (_reset) ResetRange(_bounds[p], _bounds[p + 1]);
        else StepRange(_bounds[p], _bounds[p + 1]);
    }

    void ResetRange(int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            // As Env.Reset: a seed reseeds, no seed continues the stream (entropy on first use).
            if (_seed is long s)
            {
                if (_rng[i] is { } r) r.Reseed(s + i);
                else _rng[i] = new Rng(s + i);
            }
            ResetCopy(i);
            Rewards[i] = 0;
            Terminated[i] = false;
            Truncated[i] = false;
        }
    }

    void ResetCopy(int i)
    {
        Rng r = _rng[i] ??= Rng.FromEntropy();
        _x[i] = r.Uniform(-0.05, 0.05);
        _xDot[i] = r.Uniform(-0.05, 0.05);
        _theta[i] = r.Uniform(-0.05, 0.05);
        _thetaDot[i] = r.Uniform(-0.05, 0.05);
        _elapsed[i] = 0;
        Write(i, Observations);
    }

    void StepRange(int from, int to)
    {
        double[] xs = _x, xDots = _xDot, thetas = _theta, thetaDots = _thetaDot;
        float[] actions = _actions;
        int limit = MaxEpisodeSteps;
        if ((uint)to > (uint)xs.Length || (uint)to > (uint)xDots.Length || (uint)to > (uint)thetas.Length
            || (uint)to > (uint)thetaDots.Length || (uint)to > (uint)actions.Length) throw new InvalidOperationException("range outside the copies");
        for (int i = from; i < to; i++)
        {
            // CartPole.StepCore, operation for operation (Florian 2007; Gymnasium's Euler integrator).
            double x = xs[i], xDot = xDots[i], theta = thetas[i], thetaDot = thetaDots[i];
            double force = actions[i] == 1f ? ForceMag : -ForceMag;
            double cos = Math.Cos(theta), sin = Math.Sin(theta);
            double temp = (force + PoleMassLength * thetaDot * thetaDot * sin) / TotalMass;
            double thetaAcc = (Gravity * sin - cos * temp) / (Length * (4.0 / 3.0 - MassPole * cos * cos / TotalMass));
            double xAcc = temp - PoleMassLength * thetaAcc * cos / TotalMass;
            x += Tau * xDot;
            xDot += Tau * xAcc;
            theta += Tau * thetaDot;
            thetaDot += Tau * thetaAcc;
            xs[i] = x; xDots[i] = xDot; thetas[i] = theta; thetaDots[i] = thetaDot;
            bool terminated = x < -CartPole.XThreshold || x > CartPole.XThreshold || theta < -CartPole.ThetaThresholdRadians || theta > CartPole.ThetaThresholdRadians;
            bool truncated = limit > 0 && ++_elapsed[i] >= limit;
            Rewards[i] = 1.0; // a copy is reset as soon as it terminates, so no step follows a termination
            Terminated[i] = terminated;
            Truncated[i] = truncated;
            Write(i, Observations);
            if (terminated || truncated)
            {
                Observations.AsSpan(i * ObsSize, ObsSize).CopyTo(FinalObservations.AsSpan(i * ObsSize, ObsSize));
                ResetCopy(i);
            }
        }
    }

    void Write(int i, float[] o)
    {
        int k = i * ObsSize;
        o[k] = (float)_x[i]; o[k + 1] = (float)_xDot[i]; o[k + 2] = (float)_theta[i]; o[k + 3] = (float)_thetaDot[i];
    }

    /// <inheritdoc />
    public void SaveState(BinaryWriter writer)
    {
        writer.Write(nameof(CartPoleVectorEnv));
        writer.Write(NumEnvs);
        writer.Write(_started);
        for (int i = 0; i < NumEnvs; i++)
        {
            writer.Write(_rng[i] is not null);
            if (_rng[i] is { } r) foreach (ulong w in r.GetState()) writer.Write(w);
            writer.Write(_x[i]); writer.Write(_xDot[i]); writer.Write(_theta[i]); writer.Write(_thetaDot[i]);
            writer.Write(_elapsed[i]);
            writer.Write(Rewards[i]); writer.Write(Terminated[i]); writer.Write(Truncated[i]);
        }
        foreach (float v in Observations) writer.Write(v);
        foreach (float v in FinalObservations) writer.Write(v);
    }

    /// <inheritdoc />
    public void LoadState(BinaryReader reader)
    {
        string kind = reader.ReadString();
        int n = reader.ReadInt32();
        if (kind != nameof(CartPoleVectorEnv) || n != NumEnvs)
            throw new InvalidDataException($"{nameof(CartPoleVectorEnv)}: saved state is a {kind} of {n} copies, this is a {nameof(CartPoleVectorEnv)} of {NumEnvs}");
        _started = reader.ReadBoolean();
        var words = new ulong[6];
        for (int i = 0; i < NumEnvs; i++)
        {
            if (reader.ReadBoolean())
            {
                for (int w = 0; w < words.Length; w++) words[w] = reader.ReadUInt64();
                (_rng[i] ??= new Rng(0)).SetState(words);
            }
            else _rng[i] = null;
            _x[i] = reader.ReadDouble(); _xDot[i] = reader.ReadDouble(); _theta[i] = reader.ReadDouble(); _thetaDot[i] = reader.ReadDouble();
            _elapsed[i] = reader.ReadInt32();
            Rewards[i] = reader.ReadDouble(); Terminated[i] = reader.ReadBoolean(); Truncated[i] = reader.ReadBoolean();
            Infos[i] = null;
        }
        for (int i = 0; i < Observations.Length; i++) Observations[i] = reader.ReadSingle();
        for (int i = 0; i < FinalObservations.Length; i++) FinalObservations[i] = reader.ReadSingle();
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose() => _team?.Dispose();
}
