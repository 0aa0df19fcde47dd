using System.Reflection;
using System.Runtime.CompilerServices;
using PolicyGradient.Algorithms;
using PolicyGradient.Environments;
using PolicyGradient.Language.Runs;
using PolicyGradient.Training.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PolicyGradient.Cli.Plugins;

/// <summary>
/// Loads plug-in assemblies (<c>--env-assembly path/to/MyEnvs.dll</c>): each in its own
/// <see cref="PluginLoadContext"/>, then every public non-abstract class implementing
/// <see cref="IPlugin"/> is created and its Register() called. Every failure is one
/// <see cref="UsageException"/> (exit 2) naming the file and the fix: missing file, not a .NET
/// assembly, a dependency that cannot be found, no IPlugin class, or one that registers nothing.
/// A file already loaded in this process is not loaded again.
/// </summary>
internal static class PluginLoader
{
    /// <summary>The config key that records a run's plug-ins (<see cref="RunOptions.EnvAssemblies"/>).</summary>
    public const string ConfigKey = "env_assemblies";
    static readonly HashSet<string> Loaded = new(StringComparer.Ordinal);
    static readonly Lock Gate = new();

    /// <summary>Loads the given plug-ins; returns their full paths, in order, for the run's config.yaml.</summary>
    /// <exception cref="UsageException">Any plug-in that cannot be loaded or registers nothing.</exception>
    public static IReadOnlyList<string> Load(IEnumerable<string> paths)
    {
        var full = new List<string>();
        foreach (string path in paths)
        {
            string f = Path.GetFullPath(path);
            lock (Gate)
            {
                if (!Loaded.Contains(f)) LoadOne(path, f);
                Loaded.Add(f);
            }
            if (!full.Contains(f)) full.Add(f);
        }
        return full;
    }

    /// <summary>
    /// Loads the plug-ins given with --env-assembly and those recorded in the configuration of the
    /// run, checkpoint or saved model at <paramref name="runPath"/>. A recorded plug-in that no longer
    /// exists is an error unless --env-assembly gives one (then it is only a warning); a flag naming a
    /// file with the same name as a recorded one replaces it.
    /// </summary>
    public static IReadOnlyList<string> LoadForRun(IEnumerable<string> flags, string runPath)
    {
        var given = Load(flags);
        var names = given.Select(Path.GetFileName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var recorded = new List<string>();
        foreach (string path in RecordedFor(runPath))
        {
            if (names.Contains(Path.GetFileName(path))) continue;
            if (!File.Exists(path))
            {
                if (given.Count == 0)
                    throw new UsageException($"{runPath} was trained with the plug-in {path}, which no longer exists; pass its new location with --env-assembly <path to {Path.GetFileName(path)}>");
                Console.Error.WriteLine($"pg: warning: the run's plug-in {path} no longer exists; using --env-assembly {string.Join(", ", given)}");
                continue;
            }
            recorded.Add(path);
        }
        return [.. given, .. Load(recorded)];
    }

    /// <summary>Sets <c>env_assemblies</c> in a command-line layer when plug-ins were loaded (full paths, quoted).</summary>
    public static ConfigLayer Record(ConfigLayer layer, IReadOnlyList<string> plugins)
    {
        if (plugins.Count == 0) return layer;
        var list = new YamlSequenceNode(plugins.Select(p => new YamlScalarNode(p) { Style = ScalarStyle.DoubleQuoted }));
        layer.Set(ConfigKey, list);
        return layer;
    }

    /// <summary>
    /// The plug-ins recorded for a run folder (config.yaml), a saved model (config.yaml), a
    /// checkpoint folder (the run's config.yaml two levels up) or a language checkpoint (run-config.yaml).
    /// </summary>
    public static IReadOnlyList<string> RecordedFor(string path)
    {
        string full = Path.GetFullPath(path);
        string[] candidates =
        [
            Path.Combine(full, "config.yaml"),
            Path.Combine(full, LanguageCheckpoint.RunConfigFile),
            Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(full) ?? full) ?? full, "config.yaml"),
        ];
        foreach (string file in candidates)
        {
            if (!File.Exists(file)) continue;
            try
            {
                var entry = ConfigLayer.FromYaml(File.ReadAllText(file), file).Entries.FirstOrDefault(e => e.Key == ConfigKey);
                return entry.Value is YamlSequenceNode seq
                    ? seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").Where(s => s.Length > 0).ToList()
                    : [];
            }
            catch (ConfigurationException) { return []; }   // the command reading the run reports a broken file itself
        }
        return [];
    }

    static void LoadOne(string given, string full)
    {
        string what = $"--env-assembly {given}";
        if (Directory.Exists(full)) throw new UsageException($"{what}: is a folder; give the plug-in's .dll (e.g. bin/Release/net10.0/MyEnvs.dll)");
        if (!File.Exists(full)) throw new UsageException($"{what}: no such file");
        try { AssemblyName.GetAssemblyName(full); }
        catch (BadImageFormatException) { throw new UsageException($"{what}: not a .NET assembly; give the .dll your plug-in project builds (e.g. bin/Release/net10.0/MyEnvs.dll)"); }
        catch (FileLoadException e) { throw new UsageException($"{what}: cannot be read: {e.Message}"); }

        string before = Snapshot();
        var plugins = new List<IPlugin>();
        try
        {
            var context = new PluginLoadContext(full);
            var assembly = context.LoadFromAssemblyPath(full);
            // Resolve the direct references now, so a missing dependency is named here rather than
            // failing in the middle of a run the first time a method needs it.
            foreach (var reference in assembly.GetReferencedAssemblies()) context.LoadFromAssemblyName(reference);
            var types = assembly.GetExportedTypes()
                .Where(t => t.IsClass && !t.IsAbstract && typeof(IPlugin).IsAssignableFrom(t))
                .OrderBy(t => t.FullName, StringComparer.Ordinal).ToList();
            if (types.Count == 0)
                throw new UsageException($"{what}: no public class implements {typeof(IPlugin).FullName}, so nothing gets registered; add one whose Register() calls Envs.Register (see docs/custom-environments.md)");
            foreach (var t in types)
            {
                if (t.GetConstructor(Type.EmptyTypes) is null)
                    throw new UsageException($"{what}: {t.FullName} implements IPlugin but has no public parameterless constructor");
                plugins.Add((IPlugin)Activator.CreateInstance(t)!);
            }
            foreach (var p in plugins) p.Register();
        }
        catch (UsageException) { throw; }
        catch (Exception e) { throw new UsageException(Failure(what, e)); }
        if (Snapshot() == before)
            throw new UsageException($"{what}: {string.Join(", ", plugins.Select(p => p.GetType().Name + ".Register()"))} ran but registered no environment, task or algorithm (call Envs.Register in it)");
    }

    /// <summary>One line for a load failure, naming a missing dependency when that is the cause.</summary>
    static string Failure(string what, Exception e)
    {
        var inner = e;
        while (inner is TargetInvocationException or TypeInitializationException && inner.InnerException is not null) inner = inner.InnerException;
        if (inner is ReflectionTypeLoadException rtl && rtl.LoaderExceptions.FirstOrDefault(x => x is not null) is { } first) inner = first;
        return inner switch
        {
            FileNotFoundException f when f.FileName is { Length: > 0 } name =>
                $"{what}: its dependency '{name}' was not found next to it; copy the plug-in's dependencies into its folder (dotnet publish does) and point --env-assembly at that .dll",
            FileLoadException f => $"{what}: could not load '{f.FileName}': {f.Message}",
            BadImageFormatException b => $"{what}: '{b.FileName}' is not a valid .NET assembly for this runtime: {b.Message}",
            TypeLoadException t => $"{what}: type '{t.TypeName}' could not be loaded (built against another PolicyGradient version?): {t.Message}",
            MissingMethodException m => $"{what}: {m.Message} (built against another PolicyGradient version?)",
            _ => $"{what}: the plug-in failed while registering: {inner.GetType().Name}: {inner.Message}",
        };
    }

    /// <summary>What the registries hold (ids and registration identities), to see whether a plug-in added anything.</summary>
    static string Snapshot() =>
        string.Join("\n", Envs.Registered.Select(s => $"env {s.Id} {RuntimeHelpers.GetHashCode(s)}")
            .Concat(LanguageTasks.Ids.Select(t => "task " + t))
            .Concat(AlgorithmRegistry.All.Select(a => $"algorithm {a.Name} {RuntimeHelpers.GetHashCode(a)}")));
}
