using PolicyGradient.Algorithms.OffPolicy;
using PolicyGradient.Buffers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Algorithms.OffPolicy;

/// <summary>
/// Hand-written autograd reference for the off-policy steps: plain tensor math (written here, not the
/// library's objectives) on separate parameter tensors, optimized with torch.optim.Adam.
/// </summary>
internal sealed class StepReference
{
    public StepReference(OffPolicyNetworks nets, double lr)
    {
        Actor = Copy(nets.Actor.Data);
        Critic = Copy(nets.Critic.Data);
        CriticTarget = nets.CriticTarget.Data.detach().clone();
        ActorTarget = nets.ActorTarget?.Data.detach().clone();
        LogAlpha = nets.LogAlpha is null ? null : Copy(nets.LogAlpha.Data);
        ActorAdam = torch.optim.Adam([Actor], lr: lr, beta1: 0.9, beta2: 0.999, eps: 1e-8);
        CriticAdam = torch.optim.Adam([Critic], lr: lr, beta1: 0.9, beta2: 0.999, eps: 1e-8);
        AlphaAdam = LogAlpha is null ? null : torch.optim.Adam([LogAlpha], lr: lr, beta1: 0.9, beta2: 0.999, eps: 1e-8);
    }

    static Parameter Copy(Tensor t) => new(t.detach().clone());

    public Parameter Actor { get; }
    public Parameter Critic { get; }
    public Tensor CriticTarget { get; }
    public Tensor? ActorTarget { get; }
    public Parameter? LogAlpha { get; }
    public optim.Optimizer ActorAdam { get; }
    public optim.Optimizer CriticAdam { get; }
    public optim.Optimizer? AlphaAdam { get; }

    /// <summary>x·Wᵀ + b per layer, ReLU between layers.</summary>
    public static Tensor Mlp(Tensor p, MlpLayout layout, Tensor x)
    {
        for (int i = 0; i < layout.Layers.Length; i++)
        {
            var l = layout.Layers[i];
            var w = p.narrow(0, l.WeightOffset, (long)l.Outputs * l.Inputs).view(l.Outputs, l.Inputs);
            var b = p.narrow(0, l.BiasOffset, l.Outputs);
            x = x.mm(w.t()) + b;
            if (i < layout.Layers.Length - 1) x = x.relu();
        }
        return x;
    }

    /// <summary>target ← (1 − τ)·target + τ·online.</summary>
    public static void Polyak(Tensor target, Tensor online, double tau)
    {
        using var _ = torch.no_grad();
        target.copy_(target * (1 - tau) + online.detach() * tau);
    }

    /// <summary>A batch of <paramref name="rows"/> made-up transitions (two terminations, varied discounts).</summary>
    public static ReplayBatch Batch(int rows, int obs, int act, bool discrete, int actions = 2)
    {
        var batch = new ReplayBatch(rows, obs, act);
        var g = new torch.Generator(123);
        using var _ = torch.no_grad();
        batch.Observations.copy_(torch.randn([rows, obs], generator: g));
        batch.NextObservations.copy_(torch.randn([rows, obs], generator: g));
        batch.Actions.copy_(discrete
            ? torch.randint(0, actions, [rows, act], generator: g).to_type(ScalarType.Float32)
            : torch.rand([rows, act], generator: g) * 2 - 1);
        batch.Rewards.copy_(torch.randn([rows], generator: g));
        batch.Dones.copy_(torch.tensor(Enumerable.Range(0, rows).Select(i => i % 3 == 1 ? 1f : 0f).ToArray()));
        batch.Discounts.copy_(torch.tensor(Enumerable.Range(0, rows).Select(i => i % 2 == 0 ? 0.99f : 0.9801f).ToArray()));
        return batch;
    }

    /// <summary>The largest absolute difference between two tensors.</summary>
    public static double MaxDiff(Tensor a, Tensor b) => (a.detach() - b.detach()).abs().max().item<float>();
}
