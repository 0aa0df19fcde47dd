namespace PolicyGradient.Environments.Vector;

/// <summary>
/// A vector env that batches the action masks of its copies (<see cref="IActionMaskProvider"/>) into
/// one preallocated [NumEnvs × <see cref="ActionMaskSize"/>] buffer, refreshed by every Reset and Step
/// (after a same-step autoreset: the mask of the new episode's first state).
/// </summary>
public interface IActionMaskSource
{
    /// <summary>Entries per copy (0 when the copies provide no masks).</summary>
    int ActionMaskSize { get; }

    /// <summary>[NumEnvs × ActionMaskSize] masks of the current states, row-major; null when the copies provide no masks.</summary>
    bool[]? ActionMasks { get; }
}
