namespace PolicyGradient.Environments.Wrappers;

/// <summary>
/// Scales rewards by the running standard deviation of the discounted return (SB3's VecNormalize,
/// Gymnasium's NormalizeReward; Engstrom et al. 2020, "Implementation Matters in Deep RL"):
/// G ← γ·G + r, the <see cref="Statistics"/> of G are updated (while <see cref="Training"/>),
/// the reward becomes clip(r / √(σ²_G + ε), −c, c) with γ = 0.99, ε = 1e-8, c = 10, and G restarts
/// at 0 after a step that terminated or truncated (SB3's convention). Only the scale changes: the
/// mean is not subtracted, so the sign of every reward is kept.
/// </summary>
public sealed class NormalizeReward : Wrapper
{
    double _discountedReturn;

    /// <summary>Wraps <paramref name="env"/>.</summary>
    /// <param name="env">The env.</param>
    /// <param name="gamma">Discount γ of the return whose spread scales the rewards (0.99).</param>
    /// <param name="clip">Bound c on the scaled reward (SB3's clip_reward = 10).</param>
    /// <param name="epsilon">ε added to the variance (1e-8).</param>
    public NormalizeReward(IEnv env, double gamma = 0.99, double clip = 10.0, double epsilon = 1e-8) : base(env)
    {
        if (!(gamma >= 0 && gamma <= 1)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must lie in [0, 1]");
        if (!(clip > 0)) throw new ArgumentOutOfRangeException(nameof(clip), clip, "clip must be > 0 (use double.PositiveInfinity for no clipping)");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be > 0");
        Gamma = gamma;
        Clip = clip;
        Epsilon = epsilon;
    }

    /// <summary>Running mean, variance and count of the discounted return G.</summary>
    public RunningMeanStd Statistics { get; } = new(1);

    /// <summary>When false the statistics are frozen (evaluation); default true.</summary>
    public bool Training { get; set; } = true;

    /// <summary>Discount of the tracked return.</summary>
    public double Gamma { get; }

    /// <summary>Bound on scaled rewards.</summary>
    public double Clip { get; }

    /// <summary>ε added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>The discounted return G of the current episode so far.</summary>
    public double DiscountedReturn => _discountedReturn;

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object>? Reset(Span<float> observation, long? seed = null)
    {
        _discountedReturn = 0;
        return Env.Reset(observation, seed);
    }

    /// <inheritdoc />
    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        var r = Env.Step(action, observation);
        _discountedReturn = _discountedReturn * Gamma + r.Reward;
        if (Training) Statistics.Update(_discountedReturn);
        if (r.Terminated || r.Truncated) _discountedReturn = 0;
        double scaled = Math.Clamp(r.Reward / Math.Sqrt(Statistics.Var[0] + Epsilon), -Clip, Clip);
        return r with { Reward = scaled };
    }

    /// <inheritdoc />
    protected override void SaveWrapperState(BinaryWriter writer)
    {
        Statistics.Save(writer);
        writer.Write(_discountedReturn);
    }

    /// <inheritdoc />
    protected override void LoadWrapperState(BinaryReader reader)
    {
        Statistics.Load(reader);
        _discountedReturn = reader.ReadDouble();
    }
}
