using System.Reflection;

namespace PolicyGradient.Distributed;

/// <summary>
/// The version a learner and its workers must share: the messages and the rollout arithmetic are
/// this assembly's, so a worker silo of another build refuses to start a worker for the run.
/// </summary>
public static class DistributedProtocol
{
    /// <summary>Orleans service id of every PolicyGradient cluster (the cluster id tells clusters apart).</summary>
    public const string ServiceId = "PolicyGradient";

    /// <summary>This build's version (the assembly's informational version).</summary>
    public static string Version { get; } =
        typeof(DistributedProtocol).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
