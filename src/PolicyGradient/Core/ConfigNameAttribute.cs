namespace PolicyGradient.Core;

/// <summary>
/// Marks a string option that holds a name from a registry (a loss, an estimator): config.yaml writes
/// it bare, as enum values are written (<c>loss: ppo_clip</c>, not <c>loss: "ppo_clip"</c>). The policy
/// loss was an enum until the loss registry; writing its name the same way keeps the configuration
/// hash of runs made before, so they still resume.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ConfigNameAttribute : Attribute;
