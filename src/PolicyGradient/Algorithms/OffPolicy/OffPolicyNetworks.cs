using PolicyGradient.Optimizers;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// The trainable state of an off-policy actor-critic, shared by its tensor and native
/// <see cref="IOffPolicyStep"/>s: each network is one <see cref="FlatParameters"/> buffer laid out by
/// its <see cref="MlpLayout"/>, each optimizer a <see cref="FlatAdam"/> over it.
/// <list type="bullet">
/// <item>SAC (Box): actor obs → hidden → 2·act (mean in outputs [0, act), log σ in [act, 2·act));
/// critics (obs ‖ act) → hidden → 1, two of them in <see cref="Critic"/>; no actor target; log α (1 float)
/// when the temperature is learned.</item>
/// <item>SAC (Discrete, Christodoulou 2019): actor obs → hidden → n logits; critics obs → hidden → n Q values.</item>
/// <item>TD3 / DDPG: actor obs → hidden → act (then tanh); critics (obs ‖ act) → hidden → 1 (two for TD3,
/// one for DDPG); actor and critic targets.</item>
/// </list>
/// </summary>
internal sealed record OffPolicyNetworks(
    MlpLayout ActorLayout, FlatParameters Actor, FlatAdam ActorOptimizer,
    MlpLayout[] CriticLayouts, FlatParameters Critic, FlatAdam CriticOptimizer, FlatParameters CriticTarget,
    FlatParameters? ActorTarget = null, FlatParameters? LogAlpha = null, FlatAdam? AlphaOptimizer = null);

/// <summary>SAC's step settings (SB3 names): Polyak τ, target entropy, a fixed α when not learned, target_update_interval.</summary>
internal sealed record SacStepSettings(double Tau, double TargetEntropy, double? FixedAlpha, int TargetUpdateInterval);

/// <summary>TD3's (and DDPG's) step settings (SB3 names): Polyak τ, policy_delay, target_policy_noise, target_noise_clip.</summary>
internal sealed record Td3StepSettings(double Tau, int PolicyDelay, double TargetPolicyNoise, double TargetNoiseClip);
