using System.ComponentModel;
using PolicyGradient.Training.Plotting;
using Spectre.Console.Cli;
using PolicyGradient.Training;

namespace PolicyGradient.Cli.Commands;

/// <summary>`pg plot &lt;run&gt;...`: learning curves of one or several runs, classic and language, into a PNG, JPEG or SVG file (runs of one kind overlaid, one panel per kind).</summary>
public sealed class PlotCommand : Command<PlotCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : Plugins.PluginSettings
    {
        /// <summary>Run folders.</summary>
        [CommandArgument(0, "<runs>")][Description("One or more run folders, classic or language; each kind of run gets its own panel.")]
        public string[] Runs { get; init; } = [];

        /// <summary>Output image.</summary>
        [CommandOption("--out <FILE>")][Description("Image path: .png, .jpg or .svg (default: <run>/learning-curve.png for one run, learning-curves.png for several).")]
        public string? Out { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken) => RunLayerErrors.Guard(() =>
    {
        Plugins.PluginLoader.Load(s.EnvAssemblies);
        foreach (string run in s.Runs)
            if (!File.Exists(Path.Combine(run, "progress.csv"))) throw new UsageException($"{run}: no progress.csv (is it a run folder made by pg train?)");
        if (s.Out is not null && (s.Out.Trim().Length == 0 || Directory.Exists(s.Out)))
            throw new UsageException($"--out '{s.Out}' is {(s.Out.Trim().Length == 0 ? "empty" : "a folder")}; give an image file name such as curves.png, curves.jpg or curves.svg");
        string output = s.Out ?? (s.Runs.Length == 1 ? Path.Combine(s.Runs[0], "learning-curve.png") : "learning-curves.png");
        var runs = s.Runs.Select(r => (Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(r))), r)).ToList();
        try { LearningCurvePlot.Save(runs, output); }
        catch (InvalidDataException e) { throw new UsageException(e.Message); }
        catch (IOException e) { throw new UsageException($"--out {e.Message}; choose another --out"); }
        Console.WriteLine(Path.GetFullPath(output));
        // Cluster runs (--cluster): workers' throughput and staleness in a second image next to it.
        var clusterRuns = runs.Where(r => ClusterCurvesPlot.IsClusterRun(r.Item2)).ToList();
        if (clusterRuns.Count > 0)
        {
            string clusterOutput = ClusterCurvesPlot.PathFor(output);
            try { ClusterCurvesPlot.Save(clusterRuns, clusterOutput); }
            catch (IOException e) { throw new UsageException($"cannot write {clusterOutput}: {e.Message}; choose another --out"); }
            Console.WriteLine(clusterOutput);
        }
        return ExitCodes.Success;
    });
}
