namespace PolicyGradient.Algorithms;

/// <summary>Registers the algorithms that ship with the library (one line each).</summary>
internal static class BuiltInAlgorithms
{
    internal static void RegisterAll()
    {
        AlgorithmRegistry.Register(new AlgorithmDescriptor("ppo", typeof(PpoOptions), (o, c) => new Ppo((PpoOptions)o, c), "Proximal Policy Optimization, clipped surrogate (Schulman et al. 2017)"));
    }
}
