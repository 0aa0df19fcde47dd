using PolicyGradient.Environments;

namespace ParityRules;

/// <summary>A plug-in that registers nothing (the tests check pg's message for it).</summary>
public sealed class EmptyPlugin : IPlugin
{
    /// <inheritdoc />
    public void Register() { }
}
