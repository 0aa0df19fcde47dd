namespace PolicyGradient.Environments;

/// <summary>
/// The entry point of a plug-in assembly for the <c>pg</c> tool (<c>--env-assembly path/to/MyEnvs.dll</c>):
/// <c>pg</c> loads the assembly, creates every public, non-abstract class implementing this interface
/// (through its public parameterless constructor) and calls <see cref="Register"/> once. Register
/// adds what the assembly offers to the process-wide registries: environments with
/// <see cref="Envs.Register"/>, language tasks with <c>LanguageTasks.Register</c> (PolicyGradient.Language),
/// algorithms with <c>AlgorithmRegistry.Register</c> (PolicyGradient). docs/custom-environments.md
/// shows a complete plug-in.
/// </summary>
public interface IPlugin
{
    /// <summary>Registers the plug-in's environments (and tasks or algorithms). Called once per process.</summary>
    void Register();
}
