using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests;

/// <summary>Small helpers for tensor tests.</summary>
internal static class TensorAssert
{
    public static Tensor T(params float[] v) => torch.tensor(v);
    public static Tensor T2(float[,] v) => torch.tensor(v);
    public static float[] Values(Tensor x) => x.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();

    public static void Close(float[] expected, Tensor actual, double tol = 1e-5)
    {
        var a = Values(actual);
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
            Assert.True(Math.Abs(expected[i] - a[i]) <= tol * Math.Max(1, Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {a[i]} (all: [{string.Join(", ", a)}])");
    }

    public static void Close(double expected, Tensor actual, double tol = 1e-5) => Close([(float)expected], actual.reshape(-1), tol);
}
