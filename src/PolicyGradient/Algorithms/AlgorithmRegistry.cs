using System.Collections.Concurrent;
using PolicyGradient.Environments;

namespace PolicyGradient.Algorithms;

/// <summary>Algorithms by name, for the CLI and config files. Built-ins register on first use.</summary>
public static class AlgorithmRegistry
{
    static readonly ConcurrentDictionary<string, AlgorithmDescriptor> Table = new(StringComparer.OrdinalIgnoreCase);
    static readonly Lazy<bool> BuiltIns = new(() => { BuiltInAlgorithms.RegisterAll(); return true; });

    /// <summary>Registers (or replaces) an algorithm.</summary>
    public static void Register(AlgorithmDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        Table[descriptor.Name] = descriptor;
    }

    /// <summary>All registered algorithms, by name.</summary>
    public static IReadOnlyList<AlgorithmDescriptor> All
    {
        get { _ = BuiltIns.Value; return Table.Values.OrderBy(d => d.Name, StringComparer.Ordinal).ToList(); }
    }

    /// <summary>The descriptor for <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the closest names.</exception>
    public static AlgorithmDescriptor Get(string name)
    {
        _ = BuiltIns.Value;
        if (Table.TryGetValue(name, out var d)) return d;
        var closest = Envs.Closest(name, Table.Keys, 3);
        throw new ArgumentException($"unknown algorithm '{name}'" +
            (closest.Count > 0 ? $"; did you mean {string.Join(", ", closest.Select(c => $"'{c}'"))}?" : "") +
            $" Registered: {string.Join(", ", Table.Keys.Order(StringComparer.Ordinal))}");
    }
}
