using PolicyGradient.Environments.ClassicControl;

namespace PolicyGradient.Environments;

/// <summary>Registers the environments that ship with the library (ids, limits and thresholds as Gymnasium's).</summary>
internal static class BuiltInEnvironments
{
    internal static void RegisterAll()
    {
        ClassicControlRegistrations.Register();
        Operations.OperationsRegistrations.Register();
        Games.GamesRegistrations.Register();
    }
}
