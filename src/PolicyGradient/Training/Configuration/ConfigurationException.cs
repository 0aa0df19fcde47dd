namespace PolicyGradient.Training.Configuration;

/// <summary>
/// A configuration that cannot be used. <see cref="Problems"/> holds one line per problem (all of
/// them, not just the first); the message joins them. The CLI maps it to exit code 2.
/// </summary>
public sealed class ConfigurationException(IReadOnlyList<string> problems)
    : Exception(problems.Count == 1 ? problems[0] : $"{problems.Count} configuration problems:\n  " + string.Join("\n  ", problems))
{
    /// <summary>One clear line per problem.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
