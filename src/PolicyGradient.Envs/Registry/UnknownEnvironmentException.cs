namespace PolicyGradient.Environments;

/// <summary>Thrown by <see cref="Envs.Make"/> for an id that is not registered.</summary>
public sealed class UnknownEnvironmentException(string id, IReadOnlyList<string> closest)
    : ArgumentException($"unknown environment id '{id}'" + (closest.Count > 0 ? $"; did you mean {string.Join(", ", closest.Select(c => $"'{c}'"))}? (`pg envs` lists all ids)" : "; `pg envs` lists the registered ids"))
{
    /// <summary>The id asked for.</summary>
    public string Id { get; } = id;

    /// <summary>The closest registered ids.</summary>
    public IReadOnlyList<string> Closest { get; } = closest;
}
