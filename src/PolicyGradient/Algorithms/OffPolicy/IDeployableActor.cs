using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>What the exporter (PolicyGradient.Export) reads of an off-policy algorithm's actor: its network, how its output becomes an action, and the action space.</summary>
internal interface IDeployableActor
{
    /// <summary>The networks (the actor's flat buffer and layout).</summary>
    OffPolicyNetworks Networks { get; }

    /// <summary>How the actor's output becomes an action.</summary>
    OffPolicyActorKind ActorKind { get; }

    /// <summary>The env's action space (Box or Discrete).</summary>
    Space ActionSpace { get; }
}
