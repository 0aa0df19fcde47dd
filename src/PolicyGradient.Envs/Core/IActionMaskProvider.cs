namespace PolicyGradient.Environments;

/// <summary>
/// An environment that knows which actions are valid in its current state (invalid action masking,
/// Huang and Ontañón 2020, "A Closer Look at Invalid Action Masking in Policy Gradient Algorithms").
/// The mask has one entry per choice: for Discrete(n) n entries (entry j is action Start + j), for
/// MultiDiscrete(nvec) the per-dimension masks concatenated (Σ nvec entries); true = allowed. Every
/// dimension must allow at least one choice. The env still accepts any action of its space (an
/// unmasked learner may send an invalid one): what it does then (a penalty, a no-op) is its own rule.
/// </summary>
public interface IActionMaskProvider
{
    /// <summary>Writes the mask of the current state (the state the last Reset or Step left) into <paramref name="mask"/> (<see cref="ActionMasks.Size"/> entries).</summary>
    void WriteActionMask(Span<bool> mask);
}
