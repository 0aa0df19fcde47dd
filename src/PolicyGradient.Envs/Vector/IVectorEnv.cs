using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.Vector;

/// <summary>
/// N copies of an environment stepped together with batched, contiguous buffers (docs/environments-api.md).
/// Autoreset is same-step (the SB3 convention): when copy i ends, <see cref="Observations"/> holds
/// the first observation of its next episode and <see cref="FinalObservations"/> holds the last
/// observation of the episode that ended, for bootstrapping on truncation.
/// </summary>
public interface IVectorEnv : IDisposable
{
    /// <summary>Number of copies.</summary>
    int NumEnvs { get; }

    /// <summary>Space of one copy's observation.</summary>
    Space SingleObservationSpace { get; }

    /// <summary>Space of one copy's action.</summary>
    Space SingleActionSpace { get; }

    /// <summary>[NumEnvs × obs FlatSize] current observations, row-major.</summary>
    float[] Observations { get; }

    /// <summary>[NumEnvs × obs FlatSize] final observations of episodes that ended on the last step (rows valid where Terminated or Truncated).</summary>
    float[] FinalObservations { get; }

    /// <summary>[NumEnvs] rewards of the last step.</summary>
    double[] Rewards { get; }

    /// <summary>[NumEnvs] terminated flags of the last step.</summary>
    bool[] Terminated { get; }

    /// <summary>[NumEnvs] truncated flags of the last step.</summary>
    bool[] Truncated { get; }

    /// <summary>[NumEnvs] infos of the last step (null where the copy gave none).</summary>
    IReadOnlyDictionary<string, object>?[] Infos { get; }

    /// <summary>Resets every copy; copy i gets seed + i when a seed is given.</summary>
    void Reset(long? seed = null);

    /// <summary>Steps every copy with its row of <paramref name="actions"/> ([NumEnvs × action FlatSize]).</summary>
    void Step(ReadOnlySpan<float> actions);
}
