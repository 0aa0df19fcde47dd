using PolicyGradient.Core;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>The callback used when none is given: every hook keeps its default.</summary>
internal sealed class NoCallback : ITrainingCallback
{
    public static readonly NoCallback Instance = new();
}
