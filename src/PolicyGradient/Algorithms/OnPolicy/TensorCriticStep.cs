using PolicyGradient.Objectives;
using PolicyGradient.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>The critic's minibatch step in TorchSharp tensor ops with autograd, on any device (<see cref="ICriticStep"/>).</summary>
internal sealed class TensorCriticStep(OnPolicyCore core, IFlatOptimizer optimizer) : ICriticStep, IDisposable
{
    Tensor? _observations, _returns;

    /// <inheritdoc />
    public void BeginUpdate()
    {
        Dispose();
        var buffer = core.Buffer;
        int total = buffer.NumSteps * buffer.NumEnvs;
        using var scope = torch.NewDisposeScope();
        _observations = buffer.Observations.view(total, buffer.ObservationSize).to(core.Device).DetachFromDisposeScope();
        _returns = buffer.Returns.view(total).to(core.Device).DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public double Step(ReadOnlySpan<long> indices, double learningRate)
    {
        using var scope = torch.NewDisposeScope();
        var index = torch.tensor(indices.ToArray()).to(core.Device);
        var values = core.Net.Forward(_observations!.index_select(0, index)).Value;
        var valueLoss = ValueLoss.Compute(values, _returns!.index_select(0, index)).mean();
        core.Net.Parameters.ZeroGrad();
        valueLoss.backward();
        optimizer.Step(learningRate);
        return valueLoss.item<float>();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _observations?.Dispose(); _returns?.Dispose();
        (_observations, _returns) = (null, null);
    }
}
