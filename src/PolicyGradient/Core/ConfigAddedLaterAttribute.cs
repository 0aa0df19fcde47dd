namespace PolicyGradient.Core;

/// <summary>
/// Marks an option added after runs were already being made (e.g. <c>backend</c> on A2C, REINFORCE and
/// TRPO). A checkpoint records the hash of its run's configuration; a run made before the option
/// existed hashed without it. While the option holds its default, such a checkpoint is still accepted
/// (<c>ResolvedConfig.CompatibleHashes</c>), so adding an option never strands existing runs.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ConfigAddedLaterAttribute : Attribute;
