using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.Wrappers;

/// <summary>
/// Normalizes observations with running statistics (Gymnasium's NormalizeObservation, SB3's
/// VecNormalize): each observation first updates the <see cref="Statistics"/> (while
/// <see cref="Training"/>), then becomes clip((o − μ) / √(σ² + ε), −c, c) with ε = 1e-8, c = 10.
/// The statistics are part of the model: save them with it (<see cref="IStatefulEnv"/> or
/// <see cref="Statistics"/>) and freeze them (<see cref="Training"/> = false) for evaluation.
/// </summary>
public sealed class NormalizeObservation : Wrapper
{
    readonly Box _space;

    /// <summary>Wraps an env whose observation space is a <see cref="Box"/>.</summary>
    /// <param name="env">The env.</param>
    /// <param name="clip">Bound c on normalized values (SB3's clip_obs = 10).</param>
    /// <param name="epsilon">ε added to the variance (1e-8, as Gymnasium and SB3).</param>
    public NormalizeObservation(IEnv env, double clip = 10.0, double epsilon = 1e-8) : base(env)
    {
        if (env.ObservationSpace is not Box box)
            throw new ArgumentException($"NormalizeObservation needs a Box observation space, got {env.ObservationSpace}", nameof(env));
        if (!(clip > 0)) throw new ArgumentOutOfRangeException(nameof(clip), clip, "clip must be > 0 (use double.PositiveInfinity for no clipping)");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be > 0");
        Clip = clip;
        Epsilon = epsilon;
        Statistics = new RunningMeanStd(box.FlatSize);
        _space = new Box((float)-clip, (float)clip, box.Shape);
    }

    /// <summary>Running mean, variance and count of the raw observations.</summary>
    public RunningMeanStd Statistics { get; }

    /// <summary>When false the statistics are frozen (evaluation); default true.</summary>
    public bool Training { get; set; } = true;

    /// <summary>Bound on normalized values.</summary>
    public double Clip { get; }

    /// <summary>ε added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>Box(−clip, clip) with the wrapped env's shape.</summary>
    public override Space ObservationSpace => _space;

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object>? Reset(Span<float> observation, long? seed = null)
    {
        var info = Env.Reset(observation, seed);
        Normalize(observation);
        return info;
    }

    /// <inheritdoc />
    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        var r = Env.Step(action, observation);
        Normalize(observation);
        return r;
    }

    void Normalize(Span<float> o)
    {
        if (Training) Statistics.Update(o);
        double[] mean = Statistics.Mean, var = Statistics.Var;
        for (int i = 0; i < o.Length; i++)
            o[i] = (float)Math.Clamp((o[i] - mean[i]) / Math.Sqrt(var[i] + Epsilon), -Clip, Clip);
    }

    /// <inheritdoc />
    protected override void SaveWrapperState(BinaryWriter writer) => Statistics.Save(writer);

    /// <inheritdoc />
    protected override void LoadWrapperState(BinaryReader reader) => Statistics.Load(reader);
}
