using PolicyGradient.Environments;

namespace PolicyGradient.Tests.EnvTests.ClassicControl;

/// <summary>Lets tests use the allocating <see cref="EnvExtensions"/> calls on concrete env types.</summary>
internal static class EnvTestExtensions
{
    internal static IEnv I(this IEnv env) => env;
}
