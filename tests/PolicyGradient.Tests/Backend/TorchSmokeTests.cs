using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Backend;

/// <summary>Proves libtorch loads on this host and autograd works.</summary>
public class TorchSmokeTests
{
    [Fact]
    public void Tensor_op_and_backward_pass_run()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new float[] { 1, -2, 3 }, requires_grad: true);
        var y = (x * x).sum() + (2 * x).sum();   // dy/dx = 2x + 2
        y.backward();
        Assert.Equal(18f, y.item<float>());   // (1+4+9) + 2(1-2+3)
        Assert.Equal(new float[] { 4, -2, 8 }, x.grad!.data<float>().ToArray());
    }

    [Fact]
    public void Small_mlp_step_reduces_loss()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(0);
        var net = nn.Sequential(nn.Linear(3, 16), nn.Tanh(), nn.Linear(16, 1));
        var opt = optim.Adam(net.parameters(), lr: 1e-2);
        var xs = torch.randn(64, 3);
        var ys = xs.sum(1, keepdim: true);
        float first = 0, last = 0;
        for (int i = 0; i < 100; i++)
        {
            using var step = torch.NewDisposeScope();
            opt.zero_grad();
            var loss = nn.functional.mse_loss(net.forward(xs), ys);
            loss.backward();
            opt.step();
            if (i == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < first * 0.2f, $"loss went from {first} to {last}");
    }
}
