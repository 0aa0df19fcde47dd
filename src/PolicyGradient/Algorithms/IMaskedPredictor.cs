namespace PolicyGradient.Algorithms;

/// <summary>
/// An algorithm that can act under an action mask (invalid action masking): evaluation and
/// <c>pg eval</c> pass the mask of the env's current state (<see cref="Environments.IActionMaskProvider"/>)
/// so a trained policy only chooses allowed actions, as it did in training.
/// </summary>
public interface IMaskedPredictor
{
    /// <summary>The action for one observation among those <paramref name="actionMask"/> allows (Discrete: n entries; MultiDiscrete: Σ nvec; true = allowed).</summary>
    float[] Predict(ReadOnlySpan<float> observation, ReadOnlySpan<bool> actionMask, bool deterministic = true);
}
