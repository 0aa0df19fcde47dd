using System.Reflection;
using System.Runtime.Loader;

namespace PolicyGradient.Cli.Plugins;

/// <summary>
/// The load context of one plug-in assembly: assemblies the host ships (PolicyGradient.*, TorchSharp,
/// the framework) come from the host, so the plug-in's <see cref="Environments.IPlugin"/> and env
/// types are the host's; anything else is resolved from the plug-in's folder through its .deps.json
/// (<see cref="AssemblyDependencyResolver"/>), native libraries included.
/// </summary>
internal sealed class PluginLoadContext(string pluginPath) : AssemblyLoadContext($"plugin:{Path.GetFileName(pluginPath)}")
{
    static readonly HashSet<string> HostAssemblies = ReadHostAssemblies();
    readonly AssemblyDependencyResolver _resolver = new(pluginPath);

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName name)
    {
        if (name.Name is { } simple && HostAssemblies.Contains(simple)) return null;   // shared with the host
        string? path = _resolver.ResolveAssemblyToPath(name);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    /// <inheritdoc />
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        string? path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }

    /// <summary>Simple names of the assemblies on the host's trusted list (its own dependencies and the framework).</summary>
    static HashSet<string> ReadHostAssemblies()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
            foreach (string path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                names.Add(Path.GetFileNameWithoutExtension(path));
        foreach (var a in Default.Assemblies)
            if (a.GetName().Name is { } n) names.Add(n);
        return names;
    }
}
