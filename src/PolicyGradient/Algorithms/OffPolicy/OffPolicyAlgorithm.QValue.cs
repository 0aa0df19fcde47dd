using PolicyGradient.Algorithms.OffPolicy;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms;

public abstract partial class OffPolicyAlgorithm<TOptions>
{
    /// <inheritdoc />
    public double Gamma => Options.Gamma;

    /// <summary>
    /// Q₁(s, a) of the first critic for an env action (mapped back to the policy's [−1, 1] coordinates,
    /// or to the index). SAC's critics estimate the soft value, which includes the future entropy
    /// bonuses, so its gauge sits above the reward-only return even for an exact critic.
    /// </summary>
    public double EstimateQ(ReadOnlySpan<float> observation, ReadOnlySpan<float> action)
    {
        if (observation.Length != ObservationSize || action.Length != ActionSize)
            throw new ArgumentException($"EstimateQ needs an observation of {ObservationSize} values and an action of {ActionSize}, got {observation.Length} and {action.Length}");
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var nets = Networks;
        var obs = torch.tensor(observation.ToArray(), [1, ObservationSize]).to(Device);
        if (_discrete is { } d)
        {
            var values = TensorMlp.Forward(nets.Critic.Data, nets.CriticLayouts[0], obs);
            return values[0, (long)Math.Clamp(action[0] - d.Start, 0, d.N - 1)].item<float>();
        }
        var policy = new float[ActionSize];
        for (int j = 0; j < ActionSize; j++)
            policy[j] = Math.Clamp(2f * (action[j] - _box!.Low[j]) / (_box.High[j] - _box.Low[j]) - 1f, -1f, 1f);
        var input = TensorMlp.StateAction(obs, torch.tensor(policy, [1, ActionSize]).to(Device));
        return TensorMlp.Forward(nets.Critic.Data, nets.CriticLayouts[0], input)[0, 0].item<float>();
    }
}
