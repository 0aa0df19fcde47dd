using System.Runtime.InteropServices;
using PolicyGradient.Optimizers;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// <see cref="FlatAdam.StepNative"/> with the buffer split in two halves, one per <see cref="NativeLanes"/>
/// lane: Adam is elementwise and memory-bound (28 bytes moved per parameter, 3.8 MB for SAC's 256-256 twin
/// critics), so two cores move it in about half the time. The split lies on a multiple of 16, where
/// <see cref="NativeAdam.Step"/>'s vector loop already breaks, and both halves compute each element with the
/// same operations, so the result is bit for bit that of one <see cref="FlatAdam.StepNative"/> call.
/// </summary>
internal sealed class NativeAdamLanes
{
    readonly NativeLanes _lanes;
    readonly Action<int> _half;
    FlatAdam? _optimizer;
    FlatParameters? _parameters;
    double _learningRate;

    /// <summary>Adam steps over <paramref name="lanes"/>.</summary>
    public NativeAdamLanes(NativeLanes lanes) => (_lanes, _half) = (lanes, Half);

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <summary>One step of <paramref name="optimizer"/> over <paramref name="parameters"/> (its buffer) from their gradient.</summary>
    public void Step(FlatAdam optimizer, FlatParameters parameters, double learningRate)
    {
        if (_lanes.Threads == 1) { optimizer.StepNative(learningRate); return; }
        optimizer.Steps++;
        (_optimizer, _parameters, _learningRate) = (optimizer, parameters, learningRate);
        _lanes.Run(_half);
    }

    void Half(int lane)
    {
        var o = _optimizer!;
        Span<float> theta = Floats(_parameters!.Data), grad = Floats(_parameters.Grad), m = Floats(o.ExpAvg), v = Floats(o.ExpAvgSq);
        int half = theta.Length / 2 & ~15, from = lane == 0 ? 0 : half, to = lane == 0 ? half : theta.Length;
        NativeAdam.Step(theta[from..to], grad[from..to], m[from..to], v[from..to], o.Steps, o.Beta1, o.Beta2, o.Epsilon, _learningRate);
    }
}
