using PolicyGradient.Algorithms;

namespace PolicyGradient.Training.Configuration;

/// <summary>
/// The shipped presets (Training/Presets/presets.yaml) as typed options for library users, so that
/// code gets what <c>pg train &lt;algo&gt; &lt;env-id&gt;</c> trains with:
/// <code>
/// var (options, timesteps) = PresetOptions.For&lt;PpoOptions&gt;("CartPole-v1");
/// using var ppo = new Ppo("CartPole-v1", options, seed: 1);
/// ppo.Learn(timesteps);
/// </code>
/// The values are resolved and validated exactly as the CLI resolves them (options defaults, then the
/// preset); change any of them with <c>options with { ... }</c>.
/// </summary>
public static class PresetOptions
{
    /// <summary>
    /// The preset of the registered algorithm whose options record is <typeparamref name="TOptions"/>
    /// (e.g. <see cref="PpoOptions"/> for "ppo") on <paramref name="envId"/>, and the preset's run
    /// length (<c>n_timesteps</c>).
    /// </summary>
    /// <exception cref="ArgumentException">No registered algorithm takes <typeparamref name="TOptions"/>, or there is no preset for it on <paramref name="envId"/> (the message lists the environments that have one).</exception>
    public static (TOptions Options, long Timesteps) For<TOptions>(string envId) where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(envId);
        var descriptor = AlgorithmRegistry.All.FirstOrDefault(d => d.OptionsType == typeof(TOptions))
            ?? throw new ArgumentException($"no registered algorithm takes {typeof(TOptions).Name}; registered: {string.Join(", ", AlgorithmRegistry.All.Select(d => $"{d.Name} ({d.OptionsType.Name})"))}", nameof(TOptions));
        if (Presets.Find(descriptor.Name, envId) is null)
        {
            var have = Presets.All.Where(p => p.Algorithm == descriptor.Name).Select(p => p.EnvId).ToList();
            throw new ArgumentException($"there is no {descriptor.Name} preset for '{envId}'; {descriptor.Name} presets exist for: {(have.Count > 0 ? string.Join(", ", have) : "none")}", nameof(envId));
        }
        var config = ConfigResolver.Resolve(descriptor.Name, envId, configFile: null, setFlags: []);
        return ((TOptions)config.Options, config.Run.NTimesteps);
    }
}
