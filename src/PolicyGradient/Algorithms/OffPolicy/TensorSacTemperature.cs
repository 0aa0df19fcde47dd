using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// SAC's entropy temperature on the tensor path, shared by the continuous and the discrete step:
/// α = exp(log α) read before the update (SB3's order), then one Adam step on the temperature loss;
/// or the fixed α when it is not learned (ent_coef a number).
/// </summary>
internal sealed class TensorSacTemperature : IDisposable
{
    readonly OffPolicyNetworks _nets;
    readonly Tensor? _fixedAlpha;

    public TensorSacTemperature(OffPolicyNetworks networks, SacStepSettings settings)
    {
        _nets = networks;
        if (networks.LogAlpha is null)
            _fixedAlpha = TorchSharp.torch.tensor(settings.FixedAlpha ?? throw new ArgumentException("SAC needs log α (learned temperature) or a fixed α"), ScalarType.Float32).DetachFromDisposeScope();
    }

    /// <summary>α for this step and the temperature loss (NaN when α is fixed); <paramref name="lossOf"/> maps log α to the loss.</summary>
    public (Tensor Alpha, double Loss) Update(Func<Tensor, Tensor> lossOf, double learningRate)
    {
        if (_nets.LogAlpha is not { } logAlpha) return (_fixedAlpha!, double.NaN);
        var alpha = logAlpha.Data.detach().exp().reshape([]);
        var loss = lossOf(logAlpha.Data);
        logAlpha.ZeroGrad();
        loss.backward();
        _nets.AlphaOptimizer!.Step(learningRate);
        return (alpha, loss.item<float>());
    }

    /// <inheritdoc />
    public void Dispose() => _fixedAlpha?.Dispose();
}
