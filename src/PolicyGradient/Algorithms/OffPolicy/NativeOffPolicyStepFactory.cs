using PolicyGradient.Buffers;
using PolicyGradient.Policies;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// The native side of <see cref="OffPolicyStepFactory"/>: SAC, discrete SAC, TD3 and DDPG on the native
/// kernels wherever every network is a ReLU or tanh MLP with one or two critics (else auto keeps the
/// tensor step). Two lanes where the machine has two cores: the native steps give the same bits on one
/// and two threads, so --deterministic needs no special case.
/// </summary>
internal static partial class OffPolicyStepFactory
{
    static partial void CreateNative(OffPolicyStepRequest request, ref IOffPolicyStep? step)
    {
        var n = request.Networks;
        bool supported = n.CriticLayouts.Length is 1 or 2
            && n.CriticLayouts.Append(n.ActorLayout).All(l => l.Activation is Activation.ReLU or Activation.Tanh)
            && request.Algorithm switch
            {
                "sac" or "sac-discrete" => request.Sac is not null,
                "td3" or "ddpg" => request.Td3 is not null && n.ActorTarget is not null,
                _ => false,
            };
        if (supported) step = new NativeOffPolicyStep(request, NativeLanes.DefaultThreads);
    }
}

/// <summary>
/// A native step whose scratch is sized by the first batch it sees (the request does not carry the
/// batch size): builds <see cref="NativeSacStep"/>, <see cref="NativeDiscreteSacStep"/> or
/// <see cref="NativeTd3Step"/> then, and again only if the batch size changes.
/// </summary>
internal sealed class NativeOffPolicyStep(OffPolicyStepRequest request, int threads) : IOffPolicyStep, IDisposable
{
    IOffPolicyStep? _step;
    int _batchSize;

    /// <summary>The step in use (null before the first call).</summary>
    internal IOffPolicyStep? Inner => _step;

    /// <inheritdoc />
    public OffPolicyStepMetrics Step(ReplayBatch batch, Tensor noise, long gradientStep, double learningRate)
    {
        if (_step is null || batch.BatchSize != _batchSize)
        {
            (_step as IDisposable)?.Dispose();
            _batchSize = batch.BatchSize;
            _step = request.Algorithm switch
            {
                "sac" => new NativeSacStep(request.Networks, request.Sac!, _batchSize, threads),
                "sac-discrete" => new NativeDiscreteSacStep(request.Networks, request.Sac!, _batchSize, threads),
                _ => new NativeTd3Step(request.Networks, request.Td3!, _batchSize, threads),
            };
        }
        return _step.Step(batch, noise, gradientStep, learningRate);
    }

    /// <inheritdoc />
    public void Dispose() => (_step as IDisposable)?.Dispose();
}
