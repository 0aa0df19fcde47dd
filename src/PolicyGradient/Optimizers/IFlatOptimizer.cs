using PolicyGradient.Core;

namespace PolicyGradient.Optimizers;

/// <summary>
/// An optimizer over one <see cref="FlatParameters"/> buffer with two implementations of the same
/// step on the same state tensors: <see cref="Step"/> in libtorch tensor ops (any device) and
/// <see cref="StepNative"/> in C# SIMD on spans (CPU), so checkpoints do not depend on which ran.
/// </summary>
public interface IFlatOptimizer : IDisposable
{
    /// <summary>One update from the current gradient, in tensor ops.</summary>
    void Step(double learningRate);

    /// <summary>The same update on the CPU buffers' memory, without libtorch dispatch.</summary>
    void StepNative(double learningRate);

    /// <summary>Stores the optimizer state ("optimizer.*") in a checkpoint state.</summary>
    void Capture(TrainingState state);

    /// <summary>Restores what <see cref="Capture"/> stored.</summary>
    void Restore(TrainingState state);
}
