using System.Runtime.InteropServices;
using PolicyGradient.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>The acting forward pass of an off-policy actor in tensor ops (no gradient), for rollouts and Predict.</summary>
internal sealed class TensorOffPolicyActor(OffPolicyNetworks networks, OffPolicyActorKind kind, int actionSize) : IOffPolicyActor
{
    /// <inheritdoc />
    public void Act(ReadOnlySpan<float> observations, int rows, Span<float> actions, bool deterministic, torch.Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var layout = networks.ActorLayout;
        var device = networks.Actor.Data.device;
        var x = torch.tensor(observations.ToArray(), [rows, layout.InputSize]).to(device);
        var output = TensorMlp.Forward(networks.Actor.Data, layout, x);
        Tensor action = kind switch
        {
            OffPolicyActorKind.Deterministic => output.tanh(),
            OffPolicyActorKind.SquashedGaussian when deterministic => output.narrow(1, 0, actionSize).tanh(),
            OffPolicyActorKind.SquashedGaussian => SquashedGaussianSample.Sample(output.narrow(1, 0, actionSize), output.narrow(1, actionSize, actionSize),
                torch.randn([rows, actionSize], generator: generator).to(device)).Action,
            OffPolicyActorKind.Categorical when deterministic => output.argmax(1, keepdim: true).to_type(ScalarType.Float32),
            _ => nn.functional.softmax(output, 1).cpu().multinomial(1, false, generator).to_type(ScalarType.Float32),
        };
        var host = action.cpu().contiguous();
        MemoryMarshal.Cast<byte, float>(host.bytes).CopyTo(actions);
    }
}
