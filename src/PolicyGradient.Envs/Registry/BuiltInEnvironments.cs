using PolicyGradient.Environments.ClassicControl;

namespace PolicyGradient.Environments;

/// <summary>Registers the environments that ship with the library (ids, limits and thresholds as Gymnasium's).</summary>
internal static class BuiltInEnvironments
{
    internal static void RegisterAll()
    {
        Envs.Register(new EnvSpec("CartPole-v1", _ => new CartPole(), MaxEpisodeSteps: 500, RewardThreshold: 475,
            Description: "Balance a pole on a cart; +1 per step (Barto, Sutton & Anderson 1983)"));
        Operations.OperationsRegistrations.Register();
    }
}
