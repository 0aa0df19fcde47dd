using PolicyGradient.Interop;
using PolicyGradient.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Optimizers;

/// <summary>
/// RMSprop (Tieleman and Hinton 2012) over a <see cref="FlatParameters"/> buffer, in PyTorch's
/// form (not centered, no momentum): v ← αv + (1−α)g²;  θ ← θ − lr·g/(√v + ε). A2C uses
/// α = 0.99, ε = 1e-5 (SB3, following OpenAI baselines). <see cref="SquareAvg"/> is the checkpointed state.
/// </summary>
public sealed class FlatRmsProp : IFlatOptimizer
{
    readonly FlatParameters _parameters;

    /// <summary>Creates the optimizer with v = 0.</summary>
    public FlatRmsProp(FlatParameters parameters, double alpha = 0.99, double epsilon = 1e-8)
    {
        _parameters = parameters;
        Alpha = alpha;
        Epsilon = epsilon;
        SquareAvg = torch.zeros_like(parameters.Data).requires_grad_(false).DetachFromDisposeScope();
    }

    /// <summary>Smoothing constant α.</summary>
    public double Alpha { get; }

    /// <summary>ε added to √v.</summary>
    public double Epsilon { get; }

    /// <summary>Running average of g² (checkpointed).</summary>
    public Tensor SquareAvg { get; }

    /// <summary>One update with learning rate <paramref name="learningRate"/>.</summary>
    public void Step(double learningRate)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var g = _parameters.Grad;
        // Explicit Scalars, disposed after the ops (a temporary's finalizer could free one libtorch still reads).
        using Scalar alpha = Alpha.ToScalar(), weight = (1 - Alpha).ToScalar(), epsilon = Epsilon.ToScalar(), stepSize = (-learningRate).ToScalar();
        SquareAvg.mul_(alpha).addcmul_(g, g, weight);
        _parameters.Data.addcdiv_(g, SquareAvg.sqrt().add_(epsilon, TorchScalars.One), stepSize);
    }

    /// <summary>The same step as <see cref="Step"/> on the CPU buffers' memory (<see cref="NativeRmsProp"/>).</summary>
    public void StepNative(double learningRate) =>
        NativeRmsProp.Step(Floats(_parameters.Data), Floats(_parameters.Grad), Floats(SquareAvg), Alpha, Epsilon, learningRate);

    static Span<float> Floats(Tensor t) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <inheritdoc />
    public void Dispose() => SquareAvg.Dispose();

    /// <summary>Stores the squared-gradient average ("optimizer.square_avg") in a checkpoint state.</summary>
    public void Capture(TrainingState state) => state.Tensors["optimizer.square_avg"] = SquareAvg.cpu().clone();

    /// <summary>Restores what <see cref="Capture"/> stored.</summary>
    public void Restore(TrainingState state)
    {
        using var _ = torch.no_grad();
        SquareAvg.copy_(state.RequireTensor("optimizer.square_avg"));
    }
}
