using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PolicyGradient.Buffers;
using PolicyGradient.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// PPO's minibatch step (<see cref="IPpoMinibatchStep"/>, details 7–12) on the CPU without libtorch
/// dispatch: <see cref="NativeActorCritic"/> for the network, <see cref="NativePpoLoss"/> for the loss
/// and ∂L/∂outputs, <see cref="NativeAdam"/> for clipping and Adam — all reading and writing the very
/// tensors the libtorch path uses (θ and ∇θ of <see cref="FlatParameters"/>, m and v of
/// <see cref="FlatAdam"/>), so checkpoints, resume and the optimizer state keep their format. The
/// rollout is copied once per update into arrays; each minibatch is gathered into preallocated
/// scratch: nothing is allocated per minibatch.
/// </summary>
internal sealed class NativePpoStep : IPpoMinibatchStep
{
    readonly OnPolicyCore _core;
    readonly FlatAdam _optimizer;
    readonly PpoOptions _options;
    readonly NativeActorCritic _net;
    readonly int _obs, _act, _head, _total, _mask;
    readonly float[] _rollMask, _maskMb; // action masks [rows, k] when the env provides them (else empty)
    readonly float[] _rollObs, _rollAct, _rollLogp, _rollAdv, _rollRet, _rollVal;
    readonly float[] _obsMb, _actMb, _logpMb, _advMb, _retMb, _valMb, _dHead, _dValue, _dLogStd;
    readonly double[] _sums = new double[6];

    /// <summary>Prepares scratch for <paramref name="core"/>'s rollout size and minibatch size.</summary>
    public NativePpoStep(OnPolicyCore core, FlatAdam optimizer, PpoOptions options, ActorCriticLayout layout)
    {
        (_core, _optimizer, _options) = (core, optimizer, options);
        _obs = core.ObservationSize; _act = core.ActionSize; _head = layout.Head.Outputs;
        _total = core.Buffer.NumSteps * core.Buffer.NumEnvs;
        int b = Math.Min(options.BatchSize, _total);
        _net = new NativeActorCritic(layout, b);
        (_rollObs, _rollAct) = (new float[_total * _obs], new float[_total * _act]);
        (_rollLogp, _rollAdv, _rollRet, _rollVal) = (new float[_total], new float[_total], new float[_total], new float[_total]);
        (_obsMb, _actMb) = (new float[b * _obs], new float[b * _act]);
        (_logpMb, _advMb, _retMb, _valMb, _dValue) = (new float[b], new float[b], new float[b], new float[b], new float[b]);
        _dHead = new float[b * _head];
        _dLogStd = new float[_head];
        _mask = core.ActionMaskSize;
        (_rollMask, _maskMb) = (new float[_total * _mask], new float[b * _mask]);
    }

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <inheritdoc />
    public void BeginUpdate()
    {
        var buffer = _core.Buffer;
        Floats(buffer.Observations).CopyTo(_rollObs); Floats(buffer.Actions).CopyTo(_rollAct);
        Floats(buffer.LogProbs).CopyTo(_rollLogp); Floats(buffer.Advantages).CopyTo(_rollAdv);
        Floats(buffer.Returns).CopyTo(_rollRet); Floats(buffer.Values).CopyTo(_rollVal);
        if (buffer.ActionMasks is not null) Floats(buffer.ActionMasks).CopyTo(_rollMask);
        Array.Clear(_sums);
    }

    /// <inheritdoc />
    public double[] EndUpdate() => (double[])_sums.Clone();

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Step(ReadOnlySpan<long> indices, double learningRate, double clipRange)
    {
        int size = indices.Length;
        Gather(indices);
        // Detail 7: advantage normalization per minibatch (AdvantageNormalization: unbiased std, ε = 1e-8).
        if (_options.NormalizeAdvantage && size > 1) NativeAdvantageNormalization.Normalize(_advMb.AsSpan(0, size));

        var parameters = _core.Net.Parameters;
        var layout = _net.Layout;
        Span<float> theta = Floats(parameters.Data), grad = Floats(parameters.Grad);
        var x = _obsMb.AsSpan(0, size * _obs);
        _net.Forward(theta, x, size);
        if (_mask > 0) _net.MaskHead(size, _maskMb.AsSpan(0, size * _mask)); // log π and H under the rollout's masks
        var logStd = layout.Gaussian ? theta.Slice(layout.LogStdOffset, _head) : Span<float>.Empty;
        // Details 8–10: clipped surrogate, value loss (optionally clipped), entropy bonus.
        var terms = NativePpoLoss.Compute(_net.Head(size), _head, layout.Gaussian, logStd, _net.Value(size),
            _actMb.AsSpan(0, size * _act), _logpMb.AsSpan(0, size), _advMb.AsSpan(0, size), _retMb.AsSpan(0, size), _valMb.AsSpan(0, size),
            size, clipRange, _options.ClipRangeVf, _options.VfCoef, _options.EntCoef,
            _dHead.AsSpan(0, size * _head), _dValue.AsSpan(0, size), _dLogStd);
        // Detail 12: early stop before the step once approx-KL > 1.5 × target_kl (SB3).
        if (_options.TargetKl is double targetKl && (float)terms.ApproxKl > 1.5 * targetKl) return false;

        _net.Backward(theta, x, size, _dHead.AsSpan(0, size * _head), _dValue.AsSpan(0, size), grad);
        if (layout.Gaussian) _dLogStd.CopyTo(grad.Slice(layout.LogStdOffset, _head));
        // Detail 11: global gradient clipping, then Adam (ε = 1e-5) on the flat buffers.
        float gradNorm = NativeAdam.ClipGradNorm(grad, _options.MaxGradNorm);
        _optimizer.StepNative(learningRate);

        _sums[0] += terms.PolicyLoss; _sums[1] += terms.ValueLoss; _sums[2] += terms.Entropy;
        _sums[3] += terms.ApproxKl; _sums[4] += terms.ClipFraction; _sums[5] += gradNorm;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Gather(ReadOnlySpan<long> indices)
    {
        for (int r = 0; r < indices.Length; r++)
        {
            int s = (int)indices[r];
            _rollObs.AsSpan(s * _obs, _obs).CopyTo(_obsMb.AsSpan(r * _obs, _obs));
            _rollAct.AsSpan(s * _act, _act).CopyTo(_actMb.AsSpan(r * _act, _act));
            if (_mask > 0) _rollMask.AsSpan(s * _mask, _mask).CopyTo(_maskMb.AsSpan(r * _mask, _mask));
            _logpMb[r] = _rollLogp[s]; _advMb[r] = _rollAdv[s]; _retMb[r] = _rollRet[s]; _valMb[r] = _rollVal[s];
        }
    }
}
