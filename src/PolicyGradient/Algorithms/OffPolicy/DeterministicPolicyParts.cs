using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>The parts TD3 and DDPG share: a deterministic tanh actor with its target and n critics with targets.</summary>
internal static class DeterministicPolicyParts
{
    /// <summary>Networks and step request for <paramref name="algorithm"/> ("td3" or "ddpg") with <paramref name="critics"/> critics.</summary>
    /// <exception cref="ArgumentException">A Discrete action space (these algorithms need Box actions).</exception>
    public static OffPolicyParts Build<TOptions>(string algorithm, OffPolicyAlgorithm<TOptions> owner, int critics, Td3StepSettings settings)
        where TOptions : OffPolicyOptions, new()
    {
        if (owner.Env.SingleActionSpace is not Environments.Spaces.Box)
            throw new ArgumentException($"{algorithm} needs a Box (continuous) action space, the env has {owner.Env.SingleActionSpace}; use sac (discrete SAC) for Discrete actions");
        var networks = OffPolicyNetworkFactory.Td3(owner.ObservationSize, owner.ActionSize, owner.Options.NetArch, critics, owner.Generator, owner.Device);
        // TD3 draws ε for the target policy smoothing, [B, act]; DDPG (no smoothing) draws nothing.
        int actionSize = owner.ActionSize;
        Func<int, long[]> noise = settings.TargetPolicyNoise > 0 ? b => [b, actionSize] : _ => [];
        return new OffPolicyParts(networks, OffPolicyActorKind.Deterministic,
            new OffPolicyStepRequest(algorithm, networks, null, settings, owner.IsDeterministic), noise);
    }
}
