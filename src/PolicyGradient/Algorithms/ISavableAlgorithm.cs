using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Core;
using PolicyGradient.Environments.Vector;

namespace PolicyGradient.Algorithms;

/// <summary>
/// What <c>Algorithm.Save</c> (run layer) reads from any of the library's environment algorithms (on-
/// and off-policy): how it was built (env id, seed, kwargs), its training envs' spaces and its options record.
/// </summary>
internal interface IRebuildableAlgorithm : IAlgorithm
{
    /// <summary>The registered env id, seed and env kwargs the algorithm was built from; null for a vector env the caller built.</summary>
    AlgorithmContext? Source { get; }

    /// <summary>The training envs (their spaces identify the checkpoint).</summary>
    IVectorEnv TrainingEnv { get; }

    /// <summary>The options record in use (written to config.yaml).</summary>
    object OptionsRecord { get; }
}

/// <summary>The library's on-policy algorithms for <c>Algorithm.Save</c>: their shared core (env id, seed, spaces) and options record.</summary>
internal interface ISavableAlgorithm : IRebuildableAlgorithm
{
    /// <summary>The shared on-policy core.</summary>
    OnPolicyCore Core { get; }

    AlgorithmContext? IRebuildableAlgorithm.Source => Core.Source;
    IVectorEnv IRebuildableAlgorithm.TrainingEnv => Core.Env;
}
