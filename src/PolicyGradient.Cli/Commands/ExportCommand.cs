using System.ComponentModel;
using PolicyGradient.Export;
using PolicyGradient.Training;
using Spectre.Console.Cli;

namespace PolicyGradient.Cli.Commands;

/// <summary>`pg export &lt;run-or-checkpoint&gt; --format onnx|pgpolicy --out FILE`: the deterministic policy as an ONNX model or a .pgpolicy file for PolicyGradient.Inference (docs/deploy.md).</summary>
public sealed class ExportCommand : Command<ExportCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : Plugins.PluginSettings
    {
        /// <summary>Run or checkpoint folder.</summary>
        [CommandArgument(0, "<run-or-checkpoint>")][Description("A run folder (its newest complete checkpoint) or a checkpoints/<name> folder of an environment run.")]
        public string Path { get; init; } = "";

        /// <summary>onnx or pgpolicy.</summary>
        [CommandOption("--format <FORMAT>")][Description("onnx (ONNX opset 17, for ONNX Runtime) or pgpolicy (for the PolicyGradient.Inference package).")]
        public string? Format { get; init; }

        /// <summary>Output file.</summary>
        [CommandOption("--out <FILE>")][Description("The file to write (replaced if it exists).")]
        public string? Out { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken) => RunLayerErrors.Guard(() =>
    {
        string format = s.Format?.Trim().ToLowerInvariant() switch
        {
            "onnx" => "onnx",
            "pgpolicy" => "pgpolicy",
            null => throw new UsageException("--format is required: --format onnx or --format pgpolicy"),
            var f => throw new UsageException($"--format {f} is not supported; use --format onnx or --format pgpolicy"),
        };
        if (string.IsNullOrWhiteSpace(s.Out)) throw new UsageException($"--out is required: the file to write, e.g. --out policy.{format}");
        if (Directory.Exists(s.Out)) throw new UsageException($"--out '{s.Out}' is a folder; give a file name such as policy.{format}");
        if (RunKind.ForEvalPath(s.Path) is LanguageRunKind)
            throw new UsageException($"{s.Path}: language-model runs (transformer policies) cannot be exported; pg export supports the MLP policies of environment runs");
        Plugins.PluginLoader.LoadForRun(s.EnvAssemblies, s.Path);
        TorchSetup.Apply(1, false, "cpu");
        ExportedPolicy policy;
        try { policy = PolicyExport.FromRun(s.Path, w => Console.Error.WriteLine($"pg: warning: {w}")); }
        catch (PolicyExportException e) { throw new UsageException($"{s.Path}: cannot export: {e.Message}"); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        try
        {
            if (format == "onnx") OnnxPolicyWriter.Write(policy, s.Out);
            else PgPolicyWriter.Write(policy, s.Out);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UsageException($"--out {s.Out}: {e.Message}; choose another --out"); }
        Console.WriteLine(Path.GetFullPath(s.Out));
        return ExitCodes.Success;
    });
}
