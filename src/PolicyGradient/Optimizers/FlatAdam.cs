using PolicyGradient.Interop;
using PolicyGradient.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Optimizers;

/// <summary>
/// Adam (Kingma and Ba 2015) over a <see cref="FlatParameters"/> buffer, in the form PyTorch uses:
/// m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε).
/// The whole model updates in six tensor ops. PPO uses ε = 1e-5 (an implementation detail; SB3 and
/// CleanRL), not PyTorch's 1e-8. <see cref="ExpAvg"/>, <see cref="ExpAvgSq"/> and <see cref="Steps"/>
/// are the checkpointed state.
/// </summary>
public sealed class FlatAdam : IFlatOptimizer
{
    readonly FlatParameters _parameters;

    /// <summary>Creates the optimizer with zero moments.</summary>
    public FlatAdam(FlatParameters parameters, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        _parameters = parameters;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        ExpAvg = torch.zeros_like(parameters.Data).requires_grad_(false).DetachFromDisposeScope();
        ExpAvgSq = torch.zeros_like(parameters.Data).requires_grad_(false).DetachFromDisposeScope();
        // lerp_ takes its weight as a tensor (TorchSharp 0.107's Scalar overload throws): one 0-dim double
        // tensor for the optimizer's lifetime, not a temporary per step.
        _weight1 = torch.tensor(1 - beta1).DetachFromDisposeScope();
    }

    readonly Tensor _weight1;

    /// <summary>β₁.</summary>
    public double Beta1 { get; }

    /// <summary>β₂.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Epsilon { get; }

    /// <summary>First moment m (checkpointed).</summary>
    public Tensor ExpAvg { get; }

    /// <summary>Second moment v (checkpointed).</summary>
    public Tensor ExpAvgSq { get; }

    /// <summary>Number of steps taken (t in the bias corrections).</summary>
    public long Steps { get; set; }

    /// <summary>One update with learning rate <paramref name="learningRate"/> from the current gradient.</summary>
    public void Step(double learningRate)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        Steps++;
        var g = _parameters.Grad;
        double bc1 = 1 - Math.Pow(Beta1, Steps), bc2 = 1 - Math.Pow(Beta2, Steps);
        // Explicit Scalars, disposed after the ops (a temporary's finalizer could free one libtorch still reads).
        using Scalar beta2 = Beta2.ToScalar(), weight2 = (1 - Beta2).ToScalar(), sqrtBc2 = Math.Sqrt(bc2).ToScalar(),
            epsilon = Epsilon.ToScalar(), stepSize = (-learningRate / bc1).ToScalar();
        ExpAvg.lerp_(g, _weight1);
        ExpAvgSq.mul_(beta2).addcmul_(g, g, weight2);
        var denom = ExpAvgSq.sqrt().div_(sqrtBc2).add_(epsilon, TorchScalars.One);
        _parameters.Data.addcdiv_(ExpAvg, denom, stepSize);
    }

    /// <summary>The same step as <see cref="Step"/> on the CPU buffers' memory (<see cref="NativeAdam"/>).</summary>
    public void StepNative(double learningRate)
    {
        Steps++;
        NativeAdam.Step(Floats(_parameters.Data), Floats(_parameters.Grad), Floats(ExpAvg), Floats(ExpAvgSq), Steps,
            Beta1, Beta2, Epsilon, learningRate);
    }

    static Span<float> Floats(Tensor t) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <summary>Stores the moment estimates and step count ("optimizer.*") in a checkpoint state.</summary>
    public void Capture(TrainingState state)
    {
        state.Tensors["optimizer.exp_avg"] = ExpAvg.cpu().clone();
        state.Tensors["optimizer.exp_avg_sq"] = ExpAvgSq.cpu().clone();
        state.Values["optimizer.steps"] = Steps.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Restores what <see cref="Capture"/> stored.</summary>
    public void Restore(TrainingState state)
    {
        using var _ = torch.no_grad();
        ExpAvg.copy_(state.RequireTensor("optimizer.exp_avg"));
        ExpAvgSq.copy_(state.RequireTensor("optimizer.exp_avg_sq"));
        Steps = long.Parse(state.RequireValue("optimizer.steps"), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ExpAvg.Dispose();
        ExpAvgSq.Dispose();
        _weight1.Dispose();
    }
}
