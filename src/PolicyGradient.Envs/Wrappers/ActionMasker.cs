namespace PolicyGradient.Environments.Wrappers;

/// <summary>
/// Writes the action mask of <paramref name="env"/>'s current state into <paramref name="mask"/>
/// (true = allowed; layout as <see cref="IActionMaskProvider"/>). Read the state from
/// <c>env.Unwrapped</c> cast to your env type.
/// </summary>
public delegate void ActionMaskFunction(IEnv env, Span<bool> mask);

/// <summary>
/// Adds action masks to an existing env from a user function of its state (sb3-contrib's
/// ActionMasker): the wrapped env then is an <see cref="IActionMaskProvider"/>, and the masked
/// algorithms and vector envs use the function's masks. Stepping is unchanged.
/// </summary>
public sealed class ActionMasker : Wrapper, IActionMaskProvider
{
    readonly ActionMaskFunction _maskFunction;

    /// <summary>Wraps <paramref name="env"/> (a Discrete or MultiDiscrete action space) with <paramref name="maskFunction"/>.</summary>
    /// <exception cref="ArgumentException">The action space is not discrete.</exception>
    public ActionMasker(IEnv env, ActionMaskFunction maskFunction) : base(env)
    {
        _maskFunction = maskFunction ?? throw new ArgumentNullException(nameof(maskFunction));
        MaskSize = ActionMasks.Size(env.ActionSpace);
    }

    /// <summary>Entries of the mask (n for Discrete(n), Σ nvec for MultiDiscrete).</summary>
    public int MaskSize { get; }

    /// <inheritdoc />
    public void WriteActionMask(Span<bool> mask)
    {
        if (mask.Length != MaskSize)
            throw new ArgumentException($"the mask buffer has {mask.Length} entries, the action space {ActionSpace} needs {MaskSize}", nameof(mask));
        _maskFunction(Env, mask);
    }
}
