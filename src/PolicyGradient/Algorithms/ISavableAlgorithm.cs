using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Core;

namespace PolicyGradient.Algorithms;

/// <summary>What <c>Algorithm.Save</c> (run layer) reads from the library's on-policy algorithms: their shared core (env id, seed, spaces) and options record.</summary>
internal interface ISavableAlgorithm : IAlgorithm
{
    /// <summary>The shared on-policy core.</summary>
    OnPolicyCore Core { get; }

    /// <summary>The options record in use (written to config.yaml).</summary>
    object OptionsRecord { get; }
}
