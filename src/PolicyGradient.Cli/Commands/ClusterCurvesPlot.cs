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
    // Language runs (docs/distributed.md, "Language runs") have tokens per second and count steps, not timesteps.
    static readonly string[] Throughput = ["rollout_sps", "learner_sps", "generation_tokens_per_second", "training_tokens_per_second"];
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
        PlotFile.Save([Panel(runs, Throughput, "throughput", "env steps / s (language: tokens / s)"), Panel(runs, Staleness, "staleness", "policy versions / dropped slices")],
            2, outPath, width, height);
    }

    /// <summary>A column against timesteps, or against step for a language run (its progress.csv has no timesteps).</summary>
    static (double[] X, double[] Y) ReadCurve(string progressCsv, string column)
    {
        var (x, y) = LearningCurvePlot.ReadCurve(progressCsv, column);
        if (x.Length > 0) return (x, y);
        var lines = File.ReadAllLines(progressCsv);
        if (lines.Length == 0) return ([], []);
        var header = lines[0].Split(',');
        int sc = Array.IndexOf(header, "step"), vc = Array.IndexOf(header, column);
        if (sc < 0 || vc < 0) return ([], []);
        var points = lines.Skip(1).Select(l => l.Split(',')).Where(c => c.Length == header.Length)
            .Select(c => (Ok: double.TryParse(c[sc], System.Globalization.CultureInfo.InvariantCulture, out double s) & double.TryParse(c[vc], System.Globalization.CultureInfo.InvariantCulture, out double v), s, v))
            .Where(p => p.Ok).ToArray();
        return (points.Select(p => p.s).ToArray(), points.Select(p => p.v).ToArray());
    }

    static ScottPlot.Plot Panel(IReadOnlyList<(string Label, string RunDir)> runs, string[] columns, string title, string yLabel)
    {
        var plot = new ScottPlot.Plot();
        foreach (var (label, dir) in runs)
            foreach (string column in columns)
            {
                var (x, y) = ReadCurve(Path.Combine(dir, Trainer.ProgressFile), column);
                if (x.Length == 0) continue;
                plot.Add.ScatterLine(x, y).LegendText = runs.Count == 1 ? column : $"{label} {column}";
            }
        plot.Title(title);
        plot.XLabel("timesteps (language runs: steps)");
        plot.YLabel(yLabel);
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }
}
