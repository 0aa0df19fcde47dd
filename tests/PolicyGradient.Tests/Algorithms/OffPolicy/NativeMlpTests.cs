using PolicyGradient.Algorithms.OffPolicy;
using PolicyGradient.Policies;
using TorchSharp;
using static PolicyGradient.Tests.Algorithms.OffPolicy.NativeOffPolicyTestNetworks;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Algorithms.OffPolicy;

/// <summary>NativeMlp's forward, weight gradients and input gradients against torch autograd.</summary>
[Collection("TorchGlobalState")]
public class NativeMlpTests
{
    [Theory]
    [InlineData(3, new[] { 256, 256 }, 1, 64, "relu")]
    [InlineData(4, new[] { 37, 21 }, 2, 1, "relu")]    // non-multiples of 16, batch 1
    [InlineData(17, new[] { 70 }, 5, 13, "tanh")]      // one hidden layer, wide input
    [InlineData(5, new[] { 13, 40, 9 }, 3, 30, "tanh")] // narrow hidden layers
    public void Forward_weight_and_input_gradients_equal_autograd(int inputs, int[] hidden, int outputs, int batch, string activation)
    {
        using var scope = torch.NewDisposeScope();
        var act = activation == "relu" ? Activation.ReLU : Activation.Tanh;
        var first = MlpLayout.Create(inputs, hidden, outputs, act);
        var layout = first.Next(); // the second network in the buffer: offsets must be honoured
        using var flat = Buffer(11, first, layout);
        torch.random.manual_seed(5);
        var x = torch.randn(batch, inputs).mul_(1.5).requires_grad_(true);
        var dOut = torch.randn(batch, outputs);

        var y = Forward(layout, flat.Data, x);
        flat.ZeroGrad();
        (y * dOut).sum().backward();
        var expectedGrad = Array(flat.Grad);
        var expectedDx = Array(x.grad!);

        flat.ZeroGrad();
        Floats(flat.Grad).Fill(float.NaN); // the native pass must write every entry of its own network
        var net = new NativeMlp(layout, flat, batch);
        var input = Array(x);
        net.Forward(input, batch);
        AssertClose(net.Output(batch), Array(y), 1e-5, "forward");
        var dInput = new float[batch * 2];
        int from = inputs - 2;
        net.Backward(input, Array(dOut), batch, weightGradients: true, dInput, from, 2);
        var grad = Floats(flat.Grad);
        AssertClose(grad.Slice(layout.Offset, layout.ParameterCount), expectedGrad.AsSpan(layout.Offset, layout.ParameterCount), 1e-5, "weight gradients");
        Assert.True(float.IsNaN(grad[0]), "the first network's gradient was written");
        var expectedColumns = new float[batch * 2];
        for (int r = 0; r < batch; r++)
            for (int c = 0; c < 2; c++) expectedColumns[r * 2 + c] = expectedDx[r * inputs + from + c];
        AssertClose(dInput, expectedColumns, 1e-5, "input gradient columns");

        var all = new float[batch * inputs];
        net.Backward(input, Array(dOut), batch, weightGradients: false, all, 0, inputs);
        AssertClose(all, expectedDx, 1e-5, "all input gradients");
    }

    [Fact]
    public void Row_ranges_and_two_lanes_give_the_same_bits_as_one_pass()
    {
        var layout = MlpLayout.Create(3, [256, 256], 2, Activation.ReLU);
        using var flat = Buffer(3, layout);
        const int batch = 83;
        var rng = new Random(2);
        var input = Enumerable.Range(0, batch * 3).Select(_ => (float)rng.NextDouble() * 2 - 1).ToArray();
        var dOut = Enumerable.Range(0, batch * 2).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var net = new NativeMlp(layout, flat, batch);

        net.Forward(input, batch);
        var output = net.Output(batch).ToArray();
        var dx = new float[batch];
        net.Backward(input, dOut, batch, true, dx, 1, 1);
        var grad = Floats(flat.Grad).ToArray();

        using var lanes = new NativeLanes(2);
        Floats(flat.Grad).Clear();
        net.Forward(input, 0, 40);
        net.Forward(input, 40, batch);
        Assert.Equal(output, net.Output(batch).ToArray());
        var dx2 = new float[batch];
        net.Backward(input, dOut, batch, true, dx2, 1, 1, lanes);
        Assert.Equal(grad, Floats(flat.Grad).ToArray());
        Assert.Equal(dx, dx2);
    }

    [Theory]
    [InlineData(256, 256)]
    [InlineData(19, 37)]
    [InlineData(8, 3)]
    [InlineData(1, 9)]
    public void Transpose_moves_every_entry(int rows, int cols)
    {
        var src = Enumerable.Range(0, rows * cols).Select(i => (float)i).ToArray();
        var dst = new float[rows * cols];
        NativeMlp.Transpose(src, dst, rows, cols);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) Assert.Equal(src[r * cols + c], dst[c * rows + r]);
    }

    [Fact]
    public void Unsupported_activation_names_the_fix()
    {
        var layout = MlpLayout.Create(3, [8], 1, Activation.GELU);
        using var flat = Buffer(1, layout);
        var e = Assert.Throws<NotSupportedException>(() => new NativeMlp(layout, flat, 4));
        Assert.Contains("backend: libtorch", e.Message);
    }
}
