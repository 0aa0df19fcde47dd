using PolicyGradient.Optimizers;
using PolicyGradient.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// Builds the <see cref="OffPolicyNetworks"/> of each algorithm with PyTorch's default nn.Linear
/// initialization — W and b ~ U(−1/√fan_in, 1/√fan_in) (kaiming_uniform with a = √5 gives exactly
/// that bound for W), what SB3's off-policy networks start from — drawn from the run's generator in
/// buffer order (actor layers, then critic 1, critic 2), so a seed fixes the weights. Targets start
/// as copies; Adam uses PyTorch's defaults (β 0.9/0.999, ε 1e-8) as SB3.
/// </summary>
internal static class OffPolicyNetworkFactory
{
    /// <summary>SAC (Box): actor obs → hidden → 2·act (μ ‖ log σ); critics (obs ‖ act) → hidden → 1.</summary>
    public static OffPolicyNetworks Sac(int observationSize, int actionSize, int[] hidden, int critics, double? initialAlpha, torch.Generator generator, Device device) =>
        Create(MlpLayout.Create(observationSize, hidden, 2 * actionSize, Activation.ReLU),
            CriticLayouts(observationSize + actionSize, hidden, 1, critics), actorTarget: false, initialAlpha, generator, device);

    /// <summary>Discrete SAC: actor obs → hidden → n logits; critics obs → hidden → n Q values.</summary>
    public static OffPolicyNetworks DiscreteSac(int observationSize, int actions, int[] hidden, int critics, double? initialAlpha, torch.Generator generator, Device device) =>
        Create(MlpLayout.Create(observationSize, hidden, actions, Activation.ReLU),
            CriticLayouts(observationSize, hidden, actions, critics), actorTarget: false, initialAlpha, generator, device);

    /// <summary>TD3 (2 critics) and DDPG (1): actor obs → hidden → act; critics (obs ‖ act) → hidden → 1; both targets.</summary>
    public static OffPolicyNetworks Td3(int observationSize, int actionSize, int[] hidden, int critics, torch.Generator generator, Device device) =>
        Create(MlpLayout.Create(observationSize, hidden, actionSize, Activation.ReLU),
            CriticLayouts(observationSize + actionSize, hidden, 1, critics), actorTarget: true, null, generator, device);

    static MlpLayout[] CriticLayouts(int inputs, int[] hidden, int outputs, int count)
    {
        var layouts = new MlpLayout[count];
        layouts[0] = MlpLayout.Create(inputs, hidden, outputs, Activation.ReLU);
        for (int i = 1; i < count; i++) layouts[i] = layouts[i - 1].Next();
        return layouts;
    }

    static OffPolicyNetworks Create(MlpLayout actorLayout, MlpLayout[] criticLayouts, bool actorTarget, double? initialAlpha,
        torch.Generator generator, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var actorTensors = Initialize(actorLayout, "actor", generator);
        var criticTensors = criticLayouts.SelectMany((l, i) => Initialize(l, $"q{i}", generator)).ToList();
        var actor = new FlatParameters(actorTensors, device);
        var critic = new FlatParameters(criticTensors, device);
        var criticTarget = new FlatParameters(criticTensors, device);
        FlatParameters? target = actorTarget ? new FlatParameters(actorTensors, device) : null;
        FlatParameters? logAlpha = initialAlpha is double alpha
            ? new FlatParameters([("log_alpha", torch.tensor(new[] { (float)Math.Log(alpha) }))], device)
            : null;
        return new OffPolicyNetworks(actorLayout, actor, new FlatAdam(actor), criticLayouts, critic, new FlatAdam(critic), criticTarget,
            target, logAlpha, logAlpha is null ? null : new FlatAdam(logAlpha));
    }

    /// <summary>W [out, in] then b [out] per layer, U(±1/√fan_in), in buffer order.</summary>
    static List<(string Name, Tensor Value)> Initialize(MlpLayout layout, string prefix, torch.Generator generator)
    {
        var tensors = new List<(string, Tensor)>();
        for (int i = 0; i < layout.Layers.Length; i++)
        {
            var l = layout.Layers[i];
            double bound = 1.0 / Math.Sqrt(l.Inputs);
            tensors.Add(($"{prefix}.{i}.weight", Uniform([l.Outputs, l.Inputs], bound, generator)));
            tensors.Add(($"{prefix}.{i}.bias", Uniform([l.Outputs], bound, generator)));
        }
        return tensors;
    }

    static Tensor Uniform(long[] shape, double bound, torch.Generator generator)
    {
        var t = torch.empty(shape, ScalarType.Float32);
        var result = t.uniform_(-bound, bound, generator);
        if (!ReferenceEquals(result, t)) result.Dispose();
        return t;
    }
}
