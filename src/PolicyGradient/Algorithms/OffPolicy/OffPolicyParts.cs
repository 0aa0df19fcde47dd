namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// What an off-policy algorithm builds on the shared plumbing: its networks, how its actor acts,
/// what its gradient step needs, and the shape of the standard-normal draws one step consumes for a
/// batch of B rows (empty: none).
/// </summary>
internal sealed record OffPolicyParts(OffPolicyNetworks Networks, OffPolicyActorKind ActorKind, OffPolicyStepRequest Request, Func<int, long[]> NoiseShape);
