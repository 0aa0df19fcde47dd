using System.Runtime.InteropServices;
using PolicyGradient.Algorithms;
using PolicyGradient.Algorithms.OffPolicy;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Core;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Policies;
using PolicyGradient.Training;
using static TorchSharp.torch;

namespace PolicyGradient.Export;

/// <summary>
/// Reads the deterministic policy of a trained environment algorithm into an <see cref="ExportedPolicy"/>,
/// reproducing what <c>pg eval --deterministic</c> computes. On-policy (PPO, A2C, TRPO, REINFORCE): the
/// frozen observation normalization, the actor trunk (shared trunk, then actor layers) and the action
/// head — argmax of the logits, or the Gaussian mean clipped to the box. Off-policy: the actor MLP and
/// its head — tanh(μ) rescaled to the box (SAC, TD3, DDPG), or argmax of the logits (discrete SAC).
/// Supported: tanh and ReLU hidden layers, Box observations fed as they are, Discrete and Box actions.
/// </summary>
public static class PolicyExport
{
    /// <summary>Loads the run or checkpoint at <paramref name="path"/> on the CPU and reads its policy.</summary>
    /// <exception cref="PolicyExportException">The policy cannot be exported; the message names why.</exception>
    public static ExportedPolicy FromRun(string path, Action<string>? warn = null)
    {
        var (algorithm, config, checkpoint) = RunLoader.Load(path, CPU, warn);
        using (algorithm) return FromAlgorithm(algorithm, $"{config.Algorithm} {config.EnvId} ({checkpoint})");
    }

    /// <summary>Reads the deterministic policy of <paramref name="algorithm"/>.</summary>
    /// <exception cref="PolicyExportException">The policy cannot be exported; the message names why.</exception>
    public static ExportedPolicy FromAlgorithm(IAlgorithm algorithm, string? description = null)
    {
        description ??= algorithm.Name;
        return algorithm switch
        {
            ISavableAlgorithm onPolicy => OnPolicy(onPolicy.Core, description),
            IRecurrentPolicy => throw new PolicyExportException($"{algorithm.Name}: this policy is recurrent (its action depends on an LSTM state carried between steps); pg export writes stateless MLP policies only, so use the run with pg eval or the library's Predict/ResetState"),
            IDeployableActor offPolicy => OffPolicy(offPolicy, description),
            _ => throw new PolicyExportException($"{algorithm.Name}: pg export supports the library's MLP algorithms (PPO, A2C, TRPO, REINFORCE, SAC, TD3, DDPG), not {algorithm.GetType().Name}"),
        };
    }

    static ExportedPolicy OnPolicy(OnPolicyCore core, string description)
    {
        var layout = core.Net.Layout;
        if (core.Masked && core.Env.SingleActionSpace is not Discrete { Start: 0 })
            throw new PolicyExportException($"this policy acts under action masks on {core.Env.SingleActionSpace}; pg export carries masks for Discrete actions only");
        if (!layout.PlainFeatures)
            throw new PolicyExportException($"observation space {core.Env.SingleObservationSpace} is one-hot encoded inside the network; pg export supports Box observations");
        float[] flat = Floats(core.Net.Parameters.Data);
        var hidden = layout.Shared.Concat(layout.Pi).Select(l => Layer(flat, l, Hidden(layout.Activation))).ToList();
        hidden.Add(Layer(flat, layout.Head, null));
        ExportedNormalization? normalization = null;
        if (core.Normalization.ObservationStatistics is { } stats)
            normalization = new ExportedNormalization((double[])stats.Mean.Clone(),
                stats.Var.Select(v => Math.Sqrt(v + VecNormalization.Epsilon)).ToArray(), core.Normalization.ClipObservations);
        var space = core.Env.SingleActionSpace;
        return space switch
        {
            // A masked policy takes the env's mask beside the observation (the exported argmax never picks a masked action).
            Discrete { Start: 0 } d => new ExportedPolicy(core.ObservationSize, ExportedHead.DiscreteArgmax, d.N, 0, normalization, hidden, null, null, description) { Masked = core.Masked },
            Box b => new ExportedPolicy(core.ObservationSize, ExportedHead.BoxClippedMean, b.FlatSize, 0, normalization, hidden, (float[])b.Low.Clone(), (float[])b.High.Clone(), description),
            _ => throw Unsupported(space),
        };
    }

    static ExportedPolicy OffPolicy(IDeployableActor actor, string description)
    {
        var layout = actor.Networks.ActorLayout;
        float[] flat = Floats(actor.Networks.Actor.Data);
        var layers = layout.Layers;
        var exported = layers[..^1].Select(l => Layer(flat, l, Hidden(layout.Activation))).ToList();
        var space = actor.ActionSpace;
        switch (actor.ActorKind, space)
        {
            case (OffPolicyActorKind.Categorical, Discrete d):
                exported.Add(Layer(flat, layers[^1], null));
                return new ExportedPolicy(layout.InputSize, ExportedHead.DiscreteArgmax, d.N, d.Start, null, exported, null, null, description);
            case (OffPolicyActorKind.SquashedGaussian or OffPolicyActorKind.Deterministic, Box b):
                // SAC's output is (μ, log σ): the deterministic action reads μ, the first rows of the output layer.
                exported.Add(Layer(flat, layers[^1] with { Outputs = b.FlatSize }, null));
                return new ExportedPolicy(layout.InputSize, ExportedHead.BoxSquashed, b.FlatSize, 0, null, exported, (float[])b.Low.Clone(), (float[])b.High.Clone(), description);
            default:
                throw Unsupported(space);
        }
    }

    static PolicyExportException Unsupported(Space space) => new(space switch
    {
        MultiDiscrete or MultiBinary => $"action space {space} is not supported by pg export (Discrete and Box only; MultiDiscrete and MultiBinary heads are not exported yet)",
        _ => $"action space {space} is not supported by pg export (Discrete from 0 for on-policy runs, Discrete or Box)",
    });

    static Activation Hidden(Activation activation) => activation is Activation.Tanh or Activation.ReLU
        ? activation
        : throw new PolicyExportException($"activation {activation.ToString().ToLowerInvariant()} is not supported by pg export (tanh and relu hidden layers only)");

    static ExportedLayer Layer(float[] flat, DenseLayer l, Activation? activation) => new(l.Inputs, l.Outputs, activation,
        flat.AsSpan(l.WeightOffset, l.Inputs * l.Outputs).ToArray(), flat.AsSpan(l.BiasOffset, l.Outputs).ToArray());

    static float[] Floats(Tensor flat)
    {
        using var host = flat.detach().cpu().contiguous();
        return MemoryMarshal.Cast<byte, float>(host.bytes).ToArray();
    }
}
