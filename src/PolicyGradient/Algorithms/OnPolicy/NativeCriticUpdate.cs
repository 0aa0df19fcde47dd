using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PolicyGradient.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// A critic fitted on its own, as TRPO does after its trust-region step: epochs of shuffled minibatches
/// of the value loss mean (V − R)² (<see cref="Objectives.ValueLoss"/>), each followed by an optimizer
/// step, on <see cref="NativeActorCritic"/> without libtorch dispatch. ∂L/∂V_i = 2(V_i − R_i)/B and
/// ∂L/∂head = 0, so the actor's entries of ∇θ are exactly zero, as autograd gives them. Each epoch's
/// permutation is drawn with torch.randperm from the run's generator, as the tensor path draws it.
/// </summary>
internal sealed class NativeCriticUpdate
{
    readonly OnPolicyCore _core;
    readonly NativeActorCritic _net;
    readonly int _obs, _total, _batch;
    readonly float[] _obsMb, _retMb, _dHead, _dValue;
    readonly long[] _permutation;

    /// <summary>Scratch for minibatches of <paramref name="batchSize"/> rows of <paramref name="core"/>'s rollout.</summary>
    public NativeCriticUpdate(OnPolicyCore core, ActorCriticLayout layout, int batchSize)
    {
        _core = core;
        _obs = core.ObservationSize;
        _total = core.Buffer.NumSteps * core.Buffer.NumEnvs;
        _batch = Math.Min(batchSize, _total);
        _net = new NativeActorCritic(layout, _batch);
        (_obsMb, _retMb, _dValue) = (new float[_batch * _obs], new float[_batch], new float[_batch]);
        _dHead = new float[_batch * layout.Head.Outputs]; // stays zero: the value loss does not reach the actor
        _permutation = new long[_total];
    }

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <summary>Runs <paramref name="epochs"/> epochs against the buffer's returns; returns the summed minibatch losses and the step count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double LossSum, int Steps) Run(int epochs, IFlatOptimizer optimizer, double learningRate)
    {
        var parameters = _core.Net.Parameters;
        var layout = _net.Layout;
        ReadOnlySpan<float> observations = Floats(_core.Buffer.Observations), returns = Floats(_core.Buffer.Returns);
        double lossSum = 0;
        int steps = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            using (torch.NewDisposeScope())
                MemoryMarshal.Cast<byte, long>(torch.randperm(_total, generator: _core.Generator).bytes).CopyTo(_permutation);
            for (int start = 0; start < _total; start += _batch)
            {
                int size = Math.Min(_batch, _total - start);
                for (int r = 0; r < size; r++)
                {
                    int s = (int)_permutation[start + r];
                    observations.Slice(s * _obs, _obs).CopyTo(_obsMb.AsSpan(r * _obs, _obs));
                    _retMb[r] = returns[s];
                }
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
                optimizer.StepNative(learningRate);
                lossSum += loss / size;
                steps++;
            }
        }
        return (lossSum, steps);
    }
}
