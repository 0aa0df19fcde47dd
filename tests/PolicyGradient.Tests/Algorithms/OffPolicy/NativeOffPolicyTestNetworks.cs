using System.Runtime.InteropServices;
using PolicyGradient.Algorithms.OffPolicy;
using PolicyGradient.Optimizers;
using PolicyGradient.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Algorithms.OffPolicy;

/// <summary>Flat-buffer MLPs with random weights and their torch reference forward (autograd through views of the buffer).</summary>
internal static class NativeOffPolicyTestNetworks
{
    public static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <summary>A buffer holding <paramref name="layouts"/> back to back (W [out, in] then b per layer), uniform ±scale/√in.</summary>
    public static FlatParameters Buffer(long seed, params MlpLayout[] layouts)
    {
        var gen = new torch.Generator((ulong)seed);
        var tensors = new List<(string, Tensor)>();
        foreach (var (layout, n) in layouts.Select((l, i) => (l, i)))
            foreach (var (layer, i) in layout.Layers.Select((l, i) => (l, i)))
            {
                double scale = 1.5 / Math.Sqrt(layer.Inputs);
                tensors.Add(($"net{n}.{i}.weight", torch.rand(new long[] { layer.Outputs, layer.Inputs }, generator: gen).mul_(2.0).sub_(1.0).mul_(scale)));
                tensors.Add(($"net{n}.{i}.bias", torch.rand(new long[] { layer.Outputs }, generator: gen).mul_(2.0).sub_(1.0).mul_(0.3)));
            }
        var flat = new FlatParameters(tensors);
        foreach (var (_, t) in tensors) t.Dispose();
        return flat;
    }

    /// <summary>The MLP on <paramref name="x"/> with weights taken as (differentiable) views of <paramref name="data"/>.</summary>
    public static Tensor Forward(MlpLayout layout, Tensor data, Tensor x)
    {
        var h = x;
        for (int i = 0; i < layout.Layers.Length; i++)
        {
            var l = layout.Layers[i];
            var w = data.narrow(0, l.WeightOffset, (long)l.Inputs * l.Outputs).view(l.Outputs, l.Inputs);
            var b = data.narrow(0, l.BiasOffset, l.Outputs);
            h = torch.nn.functional.linear(h, w, b);
            if (i < layout.Layers.Length - 1) h = layout.Activation == Activation.ReLU ? torch.nn.functional.relu(h) : torch.tanh(h);
        }
        return h;
    }

    public static float[] Array(Tensor t) => t.detach().contiguous().data<float>().ToArray();

    /// <summary>max |a − b| over max |b| (the error relative to the array's scale).</summary>
    public static double MaxRelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0, scale = 1e-30;
        for (int i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs((double)actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        return worst / scale;
    }

    public static void AssertClose(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double tolerance, string what)
    {
        double error = MaxRelativeError(actual, expected);
        Assert.True(error < tolerance, $"{what}: max relative error {error:E2} (tolerance {tolerance:E0})");
    }
}
