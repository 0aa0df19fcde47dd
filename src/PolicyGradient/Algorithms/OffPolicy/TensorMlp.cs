using PolicyGradient.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// The tensor forward pass of an <see cref="MlpLayout"/> network whose weights are views of a flat
/// buffer: y = act(x·Wᵀ + b) per hidden layer, then the linear output layer. Passing
/// <c>Data</c> of a <see cref="Optimizers.FlatParameters"/> makes backward write into its
/// gradient buffer; passing <c>Data.detach()</c> (or running under no_grad) gives constants, as
/// when the actor's loss reads the critic.
/// </summary>
internal static class TensorMlp
{
    /// <summary>The network's output [B, OutputSize] for input rows <paramref name="x"/> [B, InputSize].</summary>
    public static Tensor Forward(Tensor flat, MlpLayout layout, Tensor x)
    {
        var layers = layout.Layers;
        for (int i = 0; i < layers.Length; i++)
        {
            var l = layers[i];
            var weight = flat.narrow(0, l.WeightOffset, (long)l.Outputs * l.Inputs).view(l.Outputs, l.Inputs);
            var bias = flat.narrow(0, l.BiasOffset, l.Outputs);
            x = nn.functional.linear(x, weight, bias);
            if (i < layers.Length - 1) x = Activate(x, layout.Activation);
        }
        return x;
    }

    /// <summary>
    /// Every critic of <paramref name="layouts"/> (one flat buffer) on the same input: [B, n] for
    /// Q(s, a) critics with one output, [B, n, A] for discrete critics with A outputs.
    /// </summary>
    public static Tensor Critics(Tensor flat, MlpLayout[] layouts, Tensor input)
    {
        var outputs = new Tensor[layouts.Length];
        for (int i = 0; i < layouts.Length; i++) outputs[i] = Forward(flat, layouts[i], input);
        return layouts[0].OutputSize == 1 ? torch.cat(outputs, 1) : torch.stack(outputs, 1);
    }

    /// <summary>The critic input (s ‖ a), [B, obs + act].</summary>
    public static Tensor StateAction(Tensor observations, Tensor actions) => torch.cat([observations, actions], 1);

    static Tensor Activate(Tensor x, Activation activation) => activation switch
    {
        Activation.ReLU => nn.functional.relu(x),
        Activation.Tanh => x.tanh(),
        Activation.GELU => nn.functional.gelu(x),
        Activation.SiLU => nn.functional.silu(x),
        Activation.ELU => nn.functional.elu(x, 1.0, false),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation"),
    };
}
