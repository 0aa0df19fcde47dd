using System.Runtime.CompilerServices;

namespace PolicyGradient.Tests.Algorithms;

internal static class ReproducibleBlasSetup
{
    /// <summary>Pins MKL's code path before any tensor operation, so same-seed runs are bit-identical.</summary>
    [ModuleInitializer]
    internal static void Init() => PolicyGradient.Algorithms.ReproducibleBlas.Enable();
}
