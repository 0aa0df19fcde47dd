namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// What tools inside the library that act with an on-policy algorithm's frozen policy need from it (the
/// gradient diagnosis, Diagnostics/): its <see cref="OnPolicyCore"/> (network, flat weights, frozen
/// normalization) and its discount γ, whatever the options record.
/// </summary>
internal interface IOnPolicyInternals
{
    /// <summary>The shared on-policy state.</summary>
    OnPolicyCore Core { get; }

    /// <summary>The run's discount γ.</summary>
    double Gamma { get; }
}
