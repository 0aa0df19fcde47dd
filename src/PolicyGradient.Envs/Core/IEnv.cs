using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments;

/// <summary>
/// A reinforcement-learning environment with Gymnasium's semantics (docs/environments-api.md).
/// Observations and actions use their space's flat float32 encoding (see <see cref="Space"/>),
/// written into caller-owned spans so that stepping allocates nothing.
/// </summary>
/// <remarks>
/// <c>terminated</c> means the MDP reached a terminal state (do not bootstrap);
/// <c>truncated</c> means an outside cut such as a time limit (bootstrap from the observation).
/// Call <see cref="Reset"/> before the first <see cref="Step"/> and after any step that
/// terminated or truncated. For a friendlier, allocating API see <see cref="EnvExtensions"/>.
/// </remarks>
public interface IEnv : IDisposable
{
    /// <summary>The space observations belong to.</summary>
    Space ObservationSpace { get; }

    /// <summary>The space actions must belong to.</summary>
    Space ActionSpace { get; }

    /// <summary>The registration this env was made from (id, limits), or null for an env built directly.</summary>
    EnvSpec? Spec { get; set; }

    /// <summary>
    /// Starts a new episode and writes its first observation. With a <paramref name="seed"/> the
    /// env's generator is reseeded (same seed, same episode); without one it continues its stream.
    /// </summary>
    /// <returns>Extra information (may be null).</returns>
    IReadOnlyDictionary<string, object>? Reset(Span<float> observation, long? seed = null);

    /// <summary>Applies <paramref name="action"/> and writes the next observation.</summary>
    /// <exception cref="ArgumentException">The action is not in <see cref="ActionSpace"/> (for discrete spaces) or has the wrong length.</exception>
    StepResult Step(ReadOnlySpan<float> action, Span<float> observation);

    /// <summary>The innermost env beneath any wrappers.</summary>
    IEnv Unwrapped { get; }
}
