namespace PolicyGradient.Algorithms;

/// <summary>Registers the algorithms that ship with the library (one line each).</summary>
internal static class BuiltInAlgorithms
{
    internal static void RegisterAll()
    {
    }
}
