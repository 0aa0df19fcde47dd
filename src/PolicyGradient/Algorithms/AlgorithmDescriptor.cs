using PolicyGradient.Core;

namespace PolicyGradient.Algorithms;

/// <summary>A registered algorithm: its CLI name, its options record type and how to build it.</summary>
/// <param name="Name">CLI name, e.g. "ppo".</param>
/// <param name="OptionsType">The options record (public parameterless construction gives the defaults).</param>
/// <param name="Create">Builds the algorithm from an options instance of <paramref name="OptionsType"/>.</param>
/// <param name="Description">One line for help output.</param>
public sealed record AlgorithmDescriptor(
    string Name,
    Type OptionsType,
    Func<object, AlgorithmContext, IAlgorithm> Create,
    string Description = "");
