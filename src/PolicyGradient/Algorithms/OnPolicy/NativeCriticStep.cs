using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PolicyGradient.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// The critic's minibatch step (<see cref="ICriticStep"/>) on <see cref="NativeActorCritic"/> without
/// libtorch dispatch: the value loss mean (V − R)² (<see cref="Objectives.ValueLoss"/>),
/// ∂L/∂V_i = 2(V_i − R_i)/B and ∂L/∂head = 0, so the actor's entries of ∇θ are exactly zero, as
/// autograd gives them; then the optimizer's native step on the same state tensors.
/// </summary>
internal sealed class NativeCriticStep : ICriticStep
{
    readonly OnPolicyCore _core;
    readonly IFlatOptimizer _optimizer;
    readonly NativeActorCritic _net;
    readonly int _obs;
    readonly float[] _obsMb, _retMb, _dHead, _dValue;

    /// <summary>Scratch for minibatches of up to <paramref name="batchSize"/> rows of <paramref name="core"/>'s rollout.</summary>
    public NativeCriticStep(OnPolicyCore core, ActorCriticLayout layout, int batchSize, IFlatOptimizer optimizer)
    {
        (_core, _optimizer) = (core, optimizer);
        _obs = core.ObservationSize;
        int batch = Math.Min(batchSize, core.Buffer.NumSteps * core.Buffer.NumEnvs);
        _net = new NativeActorCritic(layout, batch);
        (_obsMb, _retMb, _dValue) = (new float[batch * _obs], new float[batch], new float[batch]);
        _dHead = new float[batch * layout.Head.Outputs]; // stays zero: the value loss does not reach the actor
    }

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <inheritdoc />
    public void BeginUpdate() { } // reads the buffer in place

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Step(ReadOnlySpan<long> indices, double learningRate)
    {
        int size = indices.Length;
        ReadOnlySpan<float> observations = Floats(_core.Buffer.Observations), returns = Floats(_core.Buffer.Returns);
        for (int r = 0; r < size; r++)
        {
            int s = (int)indices[r];
            observations.Slice(s * _obs, _obs).CopyTo(_obsMb.AsSpan(r * _obs, _obs));
            _retMb[r] = returns[s];
        }
        var parameters = _core.Net.Parameters;
        var layout = _net.Layout;
        Span<float> theta = Floats(parameters.Data), grad = Floats(parameters.Grad);
        var x = _obsMb.AsSpan(0, size * _obs);
        _net.Forward(theta, x, size);
        var values = _net.Value(size);
        double loss = 0;
        float invB = 1f / size;
        for (int i = 0; i < size; i++)
        {
            float du = values[i] - _retMb[i];
            loss += du * du;
            _dValue[i] = 2f * du * invB;
        }
        _net.Backward(theta, x, size, _dHead.AsSpan(0, size * layout.Head.Outputs), _dValue.AsSpan(0, size), grad);
        if (layout.Gaussian) grad.Slice(layout.LogStdOffset, layout.Head.Outputs).Clear();
        _optimizer.StepNative(learningRate);
        return loss / size;
    }
}
