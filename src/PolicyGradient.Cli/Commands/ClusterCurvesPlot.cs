using PolicyGradient.Training;
using PolicyGradient.Training.Plotting;

namespace PolicyGradient.Cli.Commands;

/// <summary>
/// The cluster columns of progress.csv (docs/distributed.md) for `pg plot`: one panel of throughput
/// (rollout_sps, learner_sps) and one of staleness (policy_lag_mean, policy_lag_max, dropped_batches),
/// against timesteps, one line per run and column. Only runs trained with --cluster have them.
/// </summary>
internal static class ClusterCurvesPlot
{
    static readonly string[] Throughput = ["rollout_sps", "learner_sps"];
    static readonly string[] Staleness = ["policy_lag_mean", "policy_lag_max", "dropped_batches"];

    /// <summary>True when the run's progress.csv has the cluster columns.</summary>
    public static bool IsClusterRun(string runDir)
    {
        string csv = Path.Combine(runDir, Trainer.ProgressFile);
        return File.Exists(csv) && File.ReadLines(csv).FirstOrDefault()?.Split(',').Contains("workers") == true;
    }

    /// <summary>The image path next to <paramref name="learningCurve"/>: "&lt;name&gt;-cluster&lt;ext&gt;".</summary>
    public static string PathFor(string learningCurve) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(learningCurve))!, Path.GetFileNameWithoutExtension(learningCurve) + "-cluster" + Path.GetExtension(learningCurve));

    /// <summary>Draws the two panels for <paramref name="runs"/> (label, folder) into <paramref name="outPath"/> (.png, .jpg or .svg).</summary>
    public static void Save(IReadOnlyList<(string Label, string RunDir)> runs, string outPath, int width = 1400, int height = 480)
    {
        PlotFile.Save([Panel(runs, Throughput, "throughput", "env steps / s"), Panel(runs, Staleness, "staleness", "policy versions / dropped slices")],
            2, outPath, width, height);
    }

    static ScottPlot.Plot Panel(IReadOnlyList<(string Label, string RunDir)> runs, string[] columns, string title, string yLabel)
    {
        var plot = new ScottPlot.Plot();
        foreach (var (label, dir) in runs)
            foreach (string column in columns)
            {
                var (x, y) = LearningCurvePlot.ReadCurve(Path.Combine(dir, Trainer.ProgressFile), column);
                if (x.Length == 0) continue;
                plot.Add.ScatterLine(x, y).LegendText = runs.Count == 1 ? column : $"{label} {column}";
            }
        plot.Title(title);
        plot.XLabel("timesteps");
        plot.YLabel(yLabel);
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }
}
