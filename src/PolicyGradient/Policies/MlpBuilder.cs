using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PolicyGradient.Policies;

/// <summary>Builds multilayer perceptrons: Linear → activation for each hidden size, then a final Linear.</summary>
public static class MlpBuilder
{
    /// <summary>
    /// An MLP input → hidden[0] → … → hidden[^1] → output with <paramref name="activation"/> after
    /// every hidden layer and none after the output layer. With <paramref name="output"/> ≤ 0 the
    /// network ends after the last hidden activation (a feature trunk).
    /// </summary>
    public static Sequential Build(int input, int[] hidden, int output, Activation activation = Activation.Tanh)
    {
        if (input <= 0) throw new ArgumentOutOfRangeException(nameof(input), input, "MLP input size must be >= 1");
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        int width = input;
        for (int i = 0; i < hidden.Length; i++)
        {
            if (hidden[i] <= 0) throw new ArgumentOutOfRangeException(nameof(hidden), hidden[i], "hidden layer sizes must be >= 1");
            layers.Add(($"linear{i}", nn.Linear(width, hidden[i])));
            layers.Add(($"act{i}", CreateActivation(activation)));
            width = hidden[i];
        }
        if (output > 0) layers.Add(("out", nn.Linear(width, output)));
        return nn.Sequential(layers);
    }

    /// <summary>A module applying <paramref name="activation"/>.</summary>
    public static nn.Module<Tensor, Tensor> CreateActivation(Activation activation) => activation switch
    {
        Activation.Tanh => nn.Tanh(),
        Activation.ReLU => nn.ReLU(),
        Activation.GELU => nn.GELU(),
        Activation.SiLU => nn.SiLU(),
        Activation.ELU => nn.ELU(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation"),
    };
}
