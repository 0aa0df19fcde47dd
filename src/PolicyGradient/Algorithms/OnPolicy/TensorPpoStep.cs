using PolicyGradient.Interop;
using PolicyGradient.Estimators;
using PolicyGradient.Objectives;
using PolicyGradient.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// PPO's minibatch step in TorchSharp tensor ops with autograd, on any device: the definition the
/// native step is tested against. Every per-sample column of the rollout is packed side by side once
/// per update, so one index_select gathers a minibatch.
/// </summary>
internal sealed class TensorPpoStep : IPpoMinibatchStep, IDisposable
{
    readonly OnPolicyCore _core;
    readonly FlatAdam _optimizer;
    readonly PpoOptions _options;
    readonly long[] _columns;
    Tensor? _packed, _sums;

    public TensorPpoStep(OnPolicyCore core, FlatAdam optimizer, PpoOptions options)
    {
        (_core, _optimizer, _options) = (core, optimizer, options);
        _columns = core.Masked ? [core.ObservationSize, core.ActionSize, 1, 1, 1, 1, core.ActionMaskSize] : [core.ObservationSize, core.ActionSize, 1, 1, 1, 1];
    }

    /// <inheritdoc />
    public void BeginUpdate()
    {
        Dispose();
        using var scope = torch.NewDisposeScope();
        var buffer = _core.Buffer;
        int total = buffer.NumSteps * buffer.NumEnvs;
        // Flatten [T, N, …] to [T·N, …]: observations, actions, old log π, advantages, returns, old V (and the action masks).
        Tensor[] columns = [
            buffer.Observations.view(total, _columns[0]), buffer.Actions.view(total, _columns[1]),
            buffer.LogProbs.view(total, 1), buffer.Advantages.view(total, 1),
            buffer.Returns.view(total, 1), buffer.Values.view(total, 1)];
        if (buffer.ActionMasks is { } masks) columns = [.. columns, masks.view(total, buffer.ActionMaskSize)];
        _packed = torch.cat(columns, 1).to(_core.Device).DetachFromDisposeScope();
        _sums = torch.zeros(6, device: _core.Device).DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public bool Step(ReadOnlySpan<long> indices, double learningRate, double clipRange)
    {
        using var scope = torch.NewDisposeScope();
        var index = torch.tensor(indices.ToArray()).to(_core.Device);
        var cols = _packed!.index_select(0, index).split(_columns, 1);
        Tensor observations = cols[0], actions = cols[1], oldLogProbs = cols[2].view(-1),
            advantages = cols[3].view(-1), returns = cols[4].view(-1), oldValues = cols[5].view(-1);

        // Detail 7: advantage normalization, per minibatch.
        if (_options.NormalizeAdvantage && indices.Length > 1) advantages = AdvantageNormalization.Normalize(advantages);

        // One fused actor + critic forward on the flat parameter buffer.
        var weights = _core.Net.Weights();
        var (head, values) = _core.Net.Forward(observations, weights);
        var distribution = _core.Net.Distribution(head, weights, cols.Length > 6 ? cols[6] : null);
        var logProbs = distribution.LogProb(actions);
        var entropy = distribution.Entropy().mean();

        // Details 8-10 and 12: the clipped surrogate, value loss, entropy bonus and approx-KL; then the early stop.
        var terms = PpoMinibatchLoss.Compute(logProbs, oldLogProbs, advantages, entropy, values, returns, oldValues, clipRange, _options);
        if (terms.ExceedsTargetKl(_options.TargetKl)) return false;

        _core.Net.Parameters.ZeroGrad();
        terms.Loss.backward();
        // Detail 11: global gradient clipping to max_grad_norm over all parameters at once.
        var gradNorm = _core.Net.Parameters.ClipGradNorm(_options.MaxGradNorm);
        _optimizer.Step(learningRate);

        _sums!.add_(terms.Diagnostics(gradNorm), TorchScalars.One);
        return true;
    }

    /// <inheritdoc />
    public double[] EndUpdate()
    {
        var sums = _sums!.cpu().data<float>().ToArray().Select(v => (double)v).ToArray();
        Dispose();
        return sums;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _packed?.Dispose(); _sums?.Dispose();
        (_packed, _sums) = (null, null);
    }
}
