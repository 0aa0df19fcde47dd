using PolicyGradient.Algorithms.OffPolicy;
using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Algorithms;

public abstract partial class OffPolicyAlgorithm<TOptions> : IDeployableActor
{
    OffPolicyNetworks IDeployableActor.Networks => Networks;

    OffPolicyActorKind IDeployableActor.ActorKind => _parts.ActorKind;

    Space IDeployableActor.ActionSpace => Env.SingleActionSpace;
}
