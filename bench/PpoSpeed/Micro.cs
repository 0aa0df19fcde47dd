using System.Diagnostics;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Objectives;
using PolicyGradient.Policies;
using PolicyGradient.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>Per-phase CPU cost of one PPO minibatch step (B = 256, CartPole sizes).</summary>
static class Micro
{
    public static void Run(int iterations)
    {
        torch.random.manual_seed(0);
        var policy = ActorCriticPolicy.Create(new Box(-1, 1, 4), new Discrete(2));
        var net = new FusedActorCritic(policy, torch.CPU);
        var adam = new FlatAdam(net.Parameters, epsilon: 1e-5);
        var obs = torch.randn(256, 4); var act = torch.randint(0, 2, [256, 1]).to_type(ScalarType.Float32);
        var oldLogp = torch.full(256, -0.69f); var adv = torch.randn(256); var ret = torch.randn(256);
        var gen = new torch.Generator(1);
        var packed = torch.cat([obs, act, oldLogp.view(256, 1), adv.view(256, 1), ret.view(256, 1), ret.view(256, 1)], 1);
        Time("empty scope", iterations, () => { });
        var xg = torch.randn(2, 256, 64).requires_grad_(true);
        Time("tanh fwd+bwd [2,256,64]", iterations, () => { xg.grad?.zero_(); xg.tanh().sum().backward(); });
        Time("fasttanh fwd+bwd [2,256,64]", iterations, () => { xg.grad?.zero_(); FusedActorCritic.FastTanh(xg).sum().backward(); });
        Time("relu fwd+bwd [2,256,64]", iterations, () => { xg.grad?.zero_(); xg.relu().sum().backward(); });
        Time("sum bwd only [2,256,64]", iterations, () => { xg.grad?.zero_(); xg.sum().backward(); });
        var a64 = torch.randn(256, 64); var w64 = torch.randn(64, 64); var w4 = torch.randn(64, 4); var x4 = torch.randn(256, 4);
        Time("mm 256x64x64", iterations, () => a64.mm(w64));
        Time("linear 256x64->64", iterations, () => nn.functional.linear(a64, w64));
        Time("linear 256x4->64", iterations, () => nn.functional.linear(x4, w4));
        Time("tanh 256x64", iterations, () => a64.tanh());
        Time("sigmoid 256x64", iterations, () => a64.sigmoid());
        Time("exp 256x64", iterations, () => a64.exp());
        Time("relu 256x64", iterations, () => a64.relu());
        Time("tanh_ 256x64 (inplace)", iterations, () => a64.clone().tanh_());
        Time("clone 256x64", iterations, () => a64.clone());
        Time("2*sigmoid(2x)-1", iterations, () => a64.mul(2).sigmoid_().mul_(2).sub_(1));
        Time("tanh 256x64 double", iterations, () => a64.to_type(ScalarType.Float64).tanh());
        var W1 = torch.randn(2, 64, 4); var W2 = torch.randn(2, 64, 64); var h2 = torch.randn(2, 256, 64);
        Time("bmm [2,256,4]x[2,4,64]T", iterations, () => torch.bmm(x4.unsqueeze(0).expand(2, -1, -1), W1.transpose(1, 2)));
        Time("bmm [2,256,64]x[2,64,64]T", iterations, () => torch.bmm(h2, W2.transpose(1, 2)));
        Time("bmm [2,256,64]x[2,64,64] contiguous", iterations, () => torch.bmm(h2, W2));
        Time("fasttanh [2,256,64]", iterations, () => FusedActorCritic.FastTanh(h2));
        Time("features", iterations, () => policy.Features(x4));
        Time("add 256x64", iterations, () => { var _ = a64 + a64; });
        Console.WriteLine($"threads {torch.get_num_threads()} interop {torch.get_num_interop_threads()}");
        Time("weights (split+views)", iterations, () => net.Weights());
        Time("randperm+index_select+split", iterations, () => packed.index_select(0, torch.randperm(256, generator: gen)).split([4, 1, 1, 1, 1, 1], 1));
        Time("forward", iterations, () => net.Forward(obs));
        Time("forward no_grad", iterations, () => { using var ng = torch.no_grad(); net.Forward(obs); });
        var Wd = net.Weights().Select(t => t.detach().clone()).ToArray();
        Time("forward detached weights", iterations, () => net.Forward(obs, Wd));
        Console.WriteLine($"stacked {net.Stacked} groups {Wd.Length}: " + string.Join(" ", Wd.Select(t => "[" + string.Join(",", t.shape) + "]")));
        Time("forward+dist+logp+entropy", iterations, () => { var w = net.Weights(); var (h, v) = net.Forward(obs, w); var d = net.Distribution(h, w); d.LogProb(act); d.Entropy().mean(); });
        Time("forward+loss", iterations, () => Loss(net, obs, act, oldLogp, adv, ret));
        Time("forward+loss+backward", iterations, () => { net.Parameters.ZeroGrad(); Loss(net, obs, act, oldLogp, adv, ret).backward(); });
        Time("clip", iterations, () => net.Parameters.ClipGradNorm(0.5));
        Time("adam", iterations, () => adam.Step(1e-4));
        Time("inference N=8 (no_grad, cached weights)", iterations, () => { using var ng = torch.no_grad(); var o = obs.narrow(0, 0, 8); var w = net.Weights(); var (h, v) = net.Forward(o, w); var d = net.Distribution(h, w); var a = d.Sample(gen); d.LogProb(a); });
    }

    static Tensor Loss(FusedActorCritic net, Tensor obs, Tensor act, Tensor oldLogp, Tensor adv, Tensor ret)
    {
        var w = net.Weights();
        var (h, v) = net.Forward(obs, w);
        var d = net.Distribution(h, w);
        var logp = d.LogProb(act);
        var ent = d.Entropy().mean();
        var (s, c) = ClippedSurrogateObjective.Compute(logp, oldLogp, adv, 0.2, 0.2);
        return s.mean() + 0.5 * ValueLoss.Compute(v, ret).mean();
    }

    static void Time(string name, int n, Action body)
    {
        for (int i = 0; i < 50; i++) { using var s = torch.NewDisposeScope(); body(); }
        var p = Process.GetCurrentProcess();
        var c0 = p.TotalProcessorTime; var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) { using var s = torch.NewDisposeScope(); body(); }
        p.Refresh();
        Console.WriteLine($"{name,-45} {(p.TotalProcessorTime - c0).TotalMilliseconds * 1000 / n,8:F1} us CPU  {sw.Elapsed.TotalMilliseconds * 1000 / n,8:F1} us wall");
    }
}
