namespace PolicyGradient.Policies;

/// <summary>
/// Hidden-layer sizes of the policy (π) and value (vf) networks, as SB3's
/// <c>net_arch=dict(pi=[64, 64], vf=[64, 64])</c>.
/// </summary>
/// <param name="Pi">Hidden sizes of the policy network.</param>
/// <param name="Vf">Hidden sizes of the value network.</param>
public sealed record NetArch(int[] Pi, int[] Vf)
{
    /// <summary>SB3's on-policy default: two 64-unit layers for each network.</summary>
    public static NetArch Default => new([64, 64], [64, 64]);
}
