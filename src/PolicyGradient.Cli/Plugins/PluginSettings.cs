using System.ComponentModel;
using Spectre.Console.Cli;

namespace PolicyGradient.Cli.Plugins;

/// <summary>The --env-assembly option, shared by every command that names environments, tasks or runs (their settings derive from it).</summary>
public abstract class PluginSettings : CommandSettings
{
    /// <summary>Plug-in assemblies to load first.</summary>
    [CommandOption("--env-assembly <DLL>")]
    [Description("Load a plug-in assembly first: its public IPlugin classes register environments or tasks (docs/custom-environments.md). Repeatable; runs record it for pg resume/eval.")]
    public string[] EnvAssemblies { get; init; } = [];
}
