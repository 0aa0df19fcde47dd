using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// One gradient of the vanilla policy-gradient loss (<see cref="NativePolicyGradientLoss"/>) over a
/// whole rollout, as A2C and REINFORCE take it: one <see cref="NativeActorCritic"/> forward over the
/// T·N rows of <see cref="Buffers.RolloutBuffer"/> (read in place), the loss, one backward writing ∇θ
/// into the flat gradient buffer the libtorch path and the optimizers use. Scratch is allocated once.
/// </summary>
internal sealed class NativeRolloutGradient
{
    readonly OnPolicyCore _core;
    readonly NativeActorCritic _net;
    readonly int _total, _head;
    readonly float[] _dHead, _dValue, _dLogStd;

    /// <summary>Scratch for <paramref name="core"/>'s rollout size.</summary>
    public NativeRolloutGradient(OnPolicyCore core, ActorCriticLayout layout)
    {
        _core = core;
        _total = core.Buffer.NumSteps * core.Buffer.NumEnvs;
        _head = layout.Head.Outputs;
        _net = new NativeActorCritic(layout, _total);
        (_dHead, _dValue, _dLogStd) = (new float[_total * _head], new float[_total], new float[_head]);
    }

    /// <summary>Rows in a rollout (T·N).</summary>
    public int Rows => _total;

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <summary>V(s) of every rollout row from the last <see cref="Forward"/>, [T·N].</summary>
    public ReadOnlySpan<float> Values => _net.Value(_total);

    /// <summary>Runs the network on the buffer's T·N observations at the current θ (the action masks applied when the buffer has them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward()
    {
        _net.Forward(Floats(_core.Net.Parameters.Data), Floats(_core.Buffer.Observations), _total);
        if (_core.Buffer.ActionMasks is { } masks) _net.MaskHead(_total, Floats(masks)); // log π and H under the rollout's masks
    }

    /// <summary>
    /// Writes ∇θ of the loss over the rows of the last <see cref="Forward"/> into the flat gradient
    /// (overwriting it) for the given advantages and return targets [T·N]; <paramref name="rowWeights"/>
    /// empty means the plain mean.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public NativePolicyGradientLoss.Terms Backward(ReadOnlySpan<float> advantages, ReadOnlySpan<float> returns,
        ReadOnlySpan<float> rowWeights, double vfCoef, double entCoef)
    {
        var parameters = _core.Net.Parameters;
        var layout = _net.Layout;
        Span<float> theta = Floats(parameters.Data), grad = Floats(parameters.Grad);
        ReadOnlySpan<float> x = Floats(_core.Buffer.Observations), actions = Floats(_core.Buffer.Actions);
        var logStd = layout.Gaussian ? theta.Slice(layout.LogStdOffset, _head) : Span<float>.Empty;
        var terms = NativePolicyGradientLoss.Compute(_net.Head(_total), _head, layout.Gaussian, logStd, _net.Value(_total),
            actions, advantages, returns, rowWeights, _total, vfCoef, entCoef, _dHead, _dValue, _dLogStd);
        _net.Backward(theta, x, _total, _dHead, _dValue, grad);
        if (layout.Gaussian) _dLogStd.CopyTo(grad.Slice(layout.LogStdOffset, _head));
        return terms;
    }
}
