using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Policies;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// A plain MLP (the actors and critics of DDPG, TD3 and SAC) as offsets into a flat float buffer:
/// hidden layers y = act(x·Wᵀ + b), then a linear output layer. Each layer stores W [out, in]
/// row-major and then b [out], layer after layer from <see cref="Offset"/> on, so the tensor path
/// (views of a <see cref="Optimizers.FlatParameters"/>) and the native kernels read the same memory.
/// Twin critics live in one buffer: the second network's <see cref="Offset"/> is the first one's
/// end (<see cref="Next"/>).
/// </summary>
internal sealed record MlpLayout(DenseLayer[] Layers, Activation Activation, int Offset, int ParameterCount)
{
    /// <summary>Floats per input row.</summary>
    public int InputSize => Layers[0].Inputs;

    /// <summary>Floats per output row.</summary>
    public int OutputSize => Layers[^1].Outputs;

    /// <summary>One past the last float of this network in the buffer.</summary>
    public int End => Offset + ParameterCount;

    /// <summary>Widest layer input or output (scratch row width).</summary>
    public int MaxWidth => Layers.Max(l => Math.Max(l.Inputs, l.Outputs));

    /// <summary>Layout of an MLP inputs → hidden… → outputs whose first float is at <paramref name="offset"/>.</summary>
    public static MlpLayout Create(int inputs, IReadOnlyList<int> hidden, int outputs, Activation activation, int offset = 0)
    {
        if (inputs <= 0 || outputs <= 0 || hidden.Any(h => h <= 0))
            throw new ArgumentException($"MLP sizes must be positive (inputs {inputs}, hidden [{string.Join(", ", hidden)}], outputs {outputs})");
        var widths = new List<int> { inputs };
        widths.AddRange(hidden);
        widths.Add(outputs);
        var layers = new DenseLayer[widths.Count - 1];
        int at = offset;
        for (int i = 0; i < layers.Length; i++)
        {
            int fanIn = widths[i], fanOut = widths[i + 1];
            layers[i] = new DenseLayer(at, at + fanIn * fanOut, fanIn, fanOut);
            at += fanIn * fanOut + fanOut;
        }
        return new MlpLayout(layers, activation, offset, at - offset);
    }

    /// <summary>The same architecture placed right after this one (the second twin critic).</summary>
    public MlpLayout Next() => Create(InputSize, Layers[..^1].Select(l => l.Outputs).ToArray(), OutputSize, Activation, End);
}
