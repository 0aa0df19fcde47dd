using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// Observation and reward normalization shared by all copies of a vector env (SB3's VecNormalize;
/// Engstrom et al. 2020 "Implementation Matters"; PPO details for continuous control):
/// o ← clip((o − μ)/√(σ² + ε), ±10) with running statistics of the raw observations, and
/// r ← clip(r/√(σ²_G + ε), ±10) where σ²_G is the running variance of each copy's discounted return
/// G ← γG + r (reset at episode ends). Statistics update only while <see cref="Training"/>; they are
/// part of the model and saved in checkpoints. Built on the env layer's <see cref="RunningMeanStd"/>.
/// </summary>
internal sealed class VecNormalization
{
    /// <summary>ε of √(σ² + ε) (read by the exporter, which folds the statistics into the exported policy).</summary>
    internal const double Epsilon = 1e-8;
    readonly double _gamma, _clipObs, _clipReward;
    readonly float[] _returnsScratch;

    public VecNormalization(int numEnvs, int observationSize, bool observations, bool rewards, double gamma, double clipObs = 10, double clipReward = 10)
    {
        ObservationStatistics = observations ? new RunningMeanStd(observationSize) : null;
        ReturnStatistics = rewards ? new RunningMeanStd(1) : null;
        DiscountedReturns = new double[numEnvs];
        _returnsScratch = new float[numEnvs];
        _gamma = gamma; _clipObs = clipObs; _clipReward = clipReward;
    }

    /// <summary>The observation clip (±).</summary>
    public double ClipObservations => _clipObs;

    public RunningMeanStd? ObservationStatistics { get; }
    public RunningMeanStd? ReturnStatistics { get; }
    public double[] DiscountedReturns { get; }
    public bool Training { get; set; } = true;

    /// <summary>Updates the observation statistics with a batch of raw rows (while training).</summary>
    public void ObserveObservations(ReadOnlySpan<float> rows)
    {
        if (Training && ObservationStatistics is { } s) s.UpdateBatch(rows);
    }

    /// <summary>Writes normalized rows of <paramref name="raw"/> into <paramref name="destination"/> (a copy when disabled).</summary>
    public void NormalizeObservations(ReadOnlySpan<float> raw, Span<float> destination)
    {
        if (ObservationStatistics is not { } s) { raw.CopyTo(destination); return; }
        double[] mean = s.Mean, var = s.Var;
        int d = mean.Length;
        for (int k = 0; k < raw.Length; k++)
        {
            int i = k % d;
            destination[k] = (float)Math.Clamp((raw[k] - mean[i]) / Math.Sqrt(var[i] + Epsilon), -_clipObs, _clipObs);
        }
    }

    /// <summary>Scales one step's rewards of all copies into <paramref name="destination"/> (updating the return statistics while training).</summary>
    public void NormalizeRewards(ReadOnlySpan<double> rewards, ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, Span<float> destination)
    {
        if (ReturnStatistics is not { } s)
        {
            for (int i = 0; i < rewards.Length; i++) destination[i] = (float)rewards[i];
            return;
        }
        if (Training)
        {
            for (int i = 0; i < rewards.Length; i++)
            {
                DiscountedReturns[i] = DiscountedReturns[i] * _gamma + rewards[i];
                _returnsScratch[i] = (float)DiscountedReturns[i];
            }
            s.UpdateBatch(_returnsScratch);
        }
        for (int i = 0; i < rewards.Length; i++)
        {
            destination[i] = ScaleReward(rewards[i]);
            if (terminated[i] || truncated[i]) DiscountedReturns[i] = 0;
        }
    }

    /// <summary>One reward as training scales it with the current (frozen) return statistics: clip(r/√(σ²_G + ε), ±10), or r without them.</summary>
    public float ScaleReward(double reward)
    {
        if (ReturnStatistics is not { } s) return (float)reward;
        double scale = 1.0 / Math.Sqrt(s.Var[0] + Epsilon);
        return (float)Math.Clamp(reward * scale, -_clipReward, _clipReward);
    }

    public void Save(BinaryWriter w)
    {
        w.Write(ObservationStatistics is not null);
        ObservationStatistics?.Save(w);
        w.Write(ReturnStatistics is not null);
        ReturnStatistics?.Save(w);
        w.Write(DiscountedReturns.Length);
        foreach (double g in DiscountedReturns) w.Write(g);
    }

    public void Load(BinaryReader r)
    {
        if (r.ReadBoolean() != (ObservationStatistics is not null)) throw new InvalidDataException("the saved state and these options disagree on normalize_observations");
        ObservationStatistics?.Load(r);
        if (r.ReadBoolean() != (ReturnStatistics is not null)) throw new InvalidDataException("the saved state and these options disagree on normalize_rewards");
        ReturnStatistics?.Load(r);
        int n = r.ReadInt32();
        if (n != DiscountedReturns.Length) throw new InvalidDataException($"the saved normalization has {n} copies, this run has {DiscountedReturns.Length}");
        for (int i = 0; i < n; i++) DiscountedReturns[i] = r.ReadDouble();
    }
}
