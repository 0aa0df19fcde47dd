using System.Globalization;
using PolicyGradient.Environments;

namespace MyEnvs;

/// <summary>What pg runs when it loads MyEnvs.dll (--env-assembly): registers Thermostat-v0.</summary>
public sealed class MyEnvsPlugin : IPlugin
{
    /// <inheritdoc />
    public void Register() =>
        Envs.Register(new EnvSpec("Thermostat-v0",
            kwargs => new Thermostat(kwargs.TryGetValue("target", out var t) ? Convert.ToDouble(t, CultureInfo.InvariantCulture) : 21.0),
            MaxEpisodeSteps: 200,
            Description: "Keep a room at 21 °C with an off/low/high heater"));
}
