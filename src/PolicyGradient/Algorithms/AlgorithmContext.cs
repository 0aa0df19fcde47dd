using static TorchSharp.torch;

namespace PolicyGradient.Algorithms;

/// <summary>What an algorithm is built for, besides its options.</summary>
/// <param name="EnvId">Registered environment id.</param>
/// <param name="Seed">Run seed: seeds torch, the algorithm's generators and the envs (seed + i per copy).</param>
/// <param name="Device">Tensor device (CPU by default; never assume CPU in algorithm code).</param>
/// <param name="EnvKwargs">Keyword arguments for the env factory (may be null).</param>
/// <param name="Deterministic">Deterministic mode: one thread, deterministic kernels, no nondeterministic shortcuts.</param>
public sealed record AlgorithmContext(
    string EnvId,
    long Seed,
    Device Device,
    IReadOnlyDictionary<string, object>? EnvKwargs = null,
    bool Deterministic = false);
