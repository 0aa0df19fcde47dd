using System.Globalization;


namespace PolicyGradient.Training.Plotting;

/// <summary>
/// Learning curves with ScottPlot 5 for every kind of run (<see cref="RunCurves"/>): mean episode return
/// and evaluation return against timesteps for classic runs, reward and accuracies against steps for
/// task runs, loss and held-out accuracy for SFT runs; runs of one kind are overlaid in one panel.
/// </summary>
public static class LearningCurvePlot
{
    /// <summary>One run's curve: (timesteps, episode_return_mean) points from its progress.csv.</summary>
    /// <exception cref="FileNotFoundException">No progress.csv.</exception>
    public static (double[] Timesteps, double[] Returns) ReadCurve(string progressCsv, string column = "episode_return_mean")
    {
        if (!File.Exists(progressCsv)) throw new FileNotFoundException($"{progressCsv}: not found", progressCsv);
        var lines = File.ReadAllLines(progressCsv);
        if (lines.Length == 0) return ([], []);
        var header = lines[0].Split(',');
        int tc = Array.IndexOf(header, "timesteps"), rc = Array.IndexOf(header, column);
        var xs = new List<double>(); var ys = new List<double>();
        if (tc < 0 || rc < 0) return ([], []);
        foreach (string line in lines.Skip(1))
        {
            var cells = line.Split(',');
            if (cells.Length != header.Length) continue;
            if (double.TryParse(cells[tc], NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
                && double.TryParse(cells[rc], NumberStyles.Float, CultureInfo.InvariantCulture, out double y) && double.IsFinite(y))
            { xs.Add(x); ys.Add(y); }
        }
        return (xs.ToArray(), ys.ToArray());
    }

    /// <summary>
    /// Draws a tiny plot in memory and discards it: loads ScottPlot, SkiaSharp and its native library
    /// and compiles the drawing path. The trainer runs it on a spare core while training, so the
    /// learning curve at the end does not pay for that start-up. Never throws.
    /// </summary>
    internal static void WarmUp()
    {
        try
        {
            var plot = new ScottPlot.Plot();
            plot.Add.ScatterLine(new double[] { 0, 1 }, new double[] { 0, 1 }).LegendText = "warm-up";
            plot.Title("warm-up");
            plot.ShowLegend(ScottPlot.Alignment.LowerRight);
            using var image = plot.GetImage(64, 48);
            _ = image.GetImageBytes();
        }
        catch (Exception) { }   // a missing native library is reported when the real plot is drawn
    }

    /// <summary>
    /// Draws the curves of <paramref name="runs"/> (label, run folder) into <paramref name="outPath"/>: PNG,
    /// JPEG or SVG by its extension. Runs of the same kind share a panel (overlaid); each kind present —
    /// classic episode returns against timesteps, task rewards and accuracies against steps, SFT loss and
    /// held-out accuracy against steps — gets its own panel, side by side, so a mixed set
    /// (<c>pg plot runs/sft runs/grpo runs/ppo-*</c>) shows every run.
    /// </summary>
    /// <exception cref="ArgumentException">No run has anything to plot yet, or the extension is not .png, .jpg/.jpeg or .svg.</exception>
    /// <exception cref="InvalidDataException">A progress.csv is not one pg writes (the message names it).</exception>
    /// <exception cref="IOException">The file cannot be written (the message names it).</exception>
    public static void Save(IReadOnlyList<(string Label, string RunDir)> runs, string outPath, int width = 900, int height = 540)
    {
        var read = runs.Select(r => (r.Label, Curves: RunCurves.Read(r.RunDir))).ToList();
        var panels = read.GroupBy(r => r.Curves.Kind).Where(g => g.Any(r => r.Curves.Series.Count > 0))
            .Select(g => Panel(g.ToList(), runs.Count)).ToList();
        if (panels.Count == 0)
            throw new ArgumentException($"nothing to plot yet: no finished episode or logged step in {string.Join(", ", runs.Select(r => Path.Combine(r.RunDir, Trainer.ProgressFile)))}");
        if (panels.Count == 1) PlotFile.Save(panels[0], outPath, width, height);
        else PlotFile.Save(panels, 2, outPath, width * Math.Min(panels.Count, 2), height * ((panels.Count + 1) / 2));
    }

    // One panel: the runs of one kind overlaid; a single run gets the series' own names, several runs their labels.
    static ScottPlot.Plot Panel(List<(string Label, RunCurves Curves)> runs, int totalRuns)
    {
        var plot = new ScottPlot.Plot();
        var first = runs[0].Curves;
        foreach (var (label, curves) in runs)
            for (int i = 0; i < curves.Series.Count; i++)
            {
                var s = curves.Series[i];
                string legend = totalRuns == 1 ? s.Label : i == 0 ? label : $"{label} ({s.Label})";
                if (s.Dashed)
                {
                    var points = plot.Add.Scatter(s.X, s.Y);
                    points.LinePattern = ScottPlot.LinePattern.Dashed;
                    points.LegendText = legend;
                    if (s.RightAxis) points.Axes.YAxis = plot.Axes.Right;
                }
                else
                {
                    var line = plot.Add.ScatterLine(s.X, s.Y);
                    line.LineWidth = i == 0 ? 2 : 1;
                    line.LegendText = legend;
                    if (s.RightAxis) line.Axes.YAxis = plot.Axes.Right;
                }
            }
        plot.Title(totalRuns == 1 ? runs[0].Label : first.Kind switch
        {
            RunCurveKind.EpisodeReturn => "episode return",
            RunCurveKind.TaskReward => "task reward and accuracy",
            _ => "supervised fine-tuning",
        });
        plot.XLabel(first.XLabel);
        plot.YLabel(first.YLabel);
        if (first.RightLabel is not null && runs.Any(r => r.Curves.Series.Any(s => s.RightAxis))) plot.Axes.Right.Label.Text = first.RightLabel;
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        return plot;
    }
}
