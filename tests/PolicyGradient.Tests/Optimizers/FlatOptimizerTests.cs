using PolicyGradient.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Optimizers;

public class FlatOptimizerTests
{
    static (Tensor W, Tensor B) Params() =>
        (torch.tensor(new float[] { 0.5f, -0.3f, 0.2f, 0.1f }, [2, 2]), torch.tensor(new float[] { 0.05f, -0.02f }));

    static Tensor Loss(Tensor w, Tensor b, int step)
    {
        var x = torch.tensor(new float[] { 1f, 2f, -1f, 0.5f + step }, [2, 2]);
        return nn.functional.linear(x, w, b).tanh().square().sum();
    }

    [Fact]
    public void Flat_adam_matches_torch_adam_over_three_steps()
    {
        var (w0, b0) = Params();
        var w = new TorchSharp.Modules.Parameter(w0.clone()); var b = new TorchSharp.Modules.Parameter(b0.clone());
        var reference = torch.optim.Adam([w, b], lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-5);
        using var flat = new FlatParameters([("w", w0), ("b", b0)]);
        var adam = new FlatAdam(flat, epsilon: 1e-5);
        for (int step = 0; step < 3; step++)
        {
            reference.zero_grad(); Loss(w, b, step).backward(); reference.step();
            var v = flat.Views();
            flat.ZeroGrad(); Loss(v[0], v[1], step).backward(); adam.Step(0.01);
        }
        var got = flat.Data.detach().data<float>().ToArray();
        var expected = torch.cat([w.detach().reshape(-1), b.detach().reshape(-1)]).data<float>().ToArray();
        for (int i = 0; i < got.Length; i++) Assert.Equal(expected[i], got[i], 6);
        Assert.Equal(3, adam.Steps);
    }

    [Fact]
    public void Flat_rmsprop_matches_torch_rmsprop_over_three_steps()
    {
        var (w0, b0) = Params();
        var w = new TorchSharp.Modules.Parameter(w0.clone()); var b = new TorchSharp.Modules.Parameter(b0.clone());
        var reference = torch.optim.RMSProp([w, b], lr: 0.01, alpha: 0.99, eps: 1e-5);
        using var flat = new FlatParameters([("w", w0), ("b", b0)]);
        var rms = new FlatRmsProp(flat, 0.99, 1e-5);
        for (int step = 0; step < 3; step++)
        {
            reference.zero_grad(); Loss(w, b, step).backward(); reference.step();
            var v = flat.Views();
            flat.ZeroGrad(); Loss(v[0], v[1], step).backward(); rms.Step(0.01);
        }
        var got = flat.Data.detach().data<float>().ToArray();
        var expected = torch.cat([w.detach().reshape(-1), b.detach().reshape(-1)]).data<float>().ToArray();
        for (int i = 0; i < got.Length; i++) Assert.Equal(expected[i], got[i], 6);
    }

    [Fact]
    public void Grad_norm_clipping_scales_to_the_bound_and_reports_the_norm_before()
    {
        using var flat = new FlatParameters([("a", torch.zeros(2))]);
        flat.Grad.copy_(torch.tensor(new float[] { 3f, 4f }));
        var norm = flat.ClipGradNorm(1.0).item<float>();
        Assert.Equal(5f, norm, 5);
        var g = flat.Grad.data<float>().ToArray();
        Assert.Equal(0.6f, g[0], 5); Assert.Equal(0.8f, g[1], 5);
        flat.ClipGradNorm(10.0); // below the bound: unchanged
        Assert.Equal(0.6f, flat.Grad.data<float>()[0], 5);
    }
}
