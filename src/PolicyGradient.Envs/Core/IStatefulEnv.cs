namespace PolicyGradient.Environments;

/// <summary>
/// An environment (or wrapper, or vector env) whose complete state — physics, generator, counters,
/// running statistics — can be saved and restored, so that a training run killed and resumed from
/// a checkpoint continues exactly as one that never stopped. Every built-in env implements it.
/// </summary>
public interface IStatefulEnv
{
    /// <summary>Writes the complete state.</summary>
    void SaveState(BinaryWriter writer);

    /// <summary>Restores a state written by <see cref="SaveState"/> on an env built the same way.</summary>
    /// <exception cref="InvalidDataException">The data does not belong to this kind of env.</exception>
    void LoadState(BinaryReader reader);
}
