using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.VarianceReduction;

/// <summary>
/// The first rows of an on-policy rollout (observations, actions, masks) and π_θ on them, read while the flat buffer
/// holds θ: its log-probabilities of the taken actions and a frozen copy of its distribution (for the KL term).
/// </summary>
internal sealed class BehaviourData
{
    readonly Tensor _head;
    readonly Tensor[] _frozenWeights;
    readonly OnPolicyCore _core;

    BehaviourData(OnPolicyCore core, Tensor observations, Tensor actions, Tensor? masks, Tensor head, Tensor[] frozenWeights, Tensor targetLogProbs)
    {
        (_core, Observations, Actions, Masks, _head, _frozenWeights, TargetLogProbs) = (core, observations, actions, masks, head, frozenWeights, targetLogProbs);
    }

    /// <summary>Normalized observations [rows, obs].</summary>
    public Tensor Observations { get; }

    /// <summary>Taken actions [rows, act].</summary>
    public Tensor Actions { get; }

    /// <summary>Action masks [rows, mask], or null.</summary>
    public Tensor? Masks { get; }

    /// <summary>log π_θ(a|s) per row, constant.</summary>
    public Tensor TargetLogProbs { get; }

    /// <summary>π_θ(·|s) of the rows in <paramref name="index"/>, constant.</summary>
    public IActionDistribution Target(Tensor index) => _core.Net.Distribution(_head.index_select(0, index), _frozenWeights, Masks?.index_select(0, index));

    /// <summary>Reads the buffer's first <paramref name="rows"/> rows (time-major: steps × copies) under the weights the flat buffer holds now.</summary>
    public static BehaviourData Read(OnPolicyCore core, int rows)
    {
        var buffer = core.Buffer;
        int steps = rows / buffer.NumEnvs;
        var observations = buffer.Observations.narrow(0, 0, steps).reshape(rows, buffer.ObservationSize).to(core.Device);
        var actions = buffer.Actions.narrow(0, 0, steps).reshape(rows, buffer.ActionSize).to(core.Device);
        var masks = buffer.ActionMasks?.narrow(0, 0, steps).reshape(rows, buffer.ActionMaskSize).to(core.Device);
        using var noGrad = torch.no_grad();
        var frozen = core.Net.Weights().Select(w => w.detach().clone()).ToArray();
        var (head, _) = core.Net.Forward(observations, frozen);
        var target = core.Net.Distribution(head, frozen, masks);
        var logProbs = target.LogProb(core.Net.Policy.ActionKind == ActionKind.Discrete ? actions.reshape(rows) : actions);
        return new BehaviourData(core, observations, core.Net.Policy.ActionKind == ActionKind.Discrete ? actions.reshape(rows) : actions, masks, head, frozen, logProbs);
    }
}
