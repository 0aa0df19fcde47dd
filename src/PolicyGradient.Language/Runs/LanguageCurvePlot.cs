using System.Globalization;

namespace PolicyGradient.Language.Runs;

/// <summary>learning-curve.png of a language run (ScottPlot 5): reward mean (or SFT loss) and held-out accuracy against steps, from progress.csv.</summary>
internal static class LanguageCurvePlot
{
    public static void Save(string progressCsv, string outPath, string title)
    {
        var lines = File.ReadAllLines(progressCsv);
        if (lines.Length < 2) return;
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).Where(c => c.Length == header.Length).ToList();
        (double[], double[]) Column(string name)
        {
            int i = Array.IndexOf(header, name);
            var xs = new List<double>(); var ys = new List<double>();
            if (i < 0) return ([], []);
            foreach (var c in rows)
                if (double.TryParse(c[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double y) && double.IsFinite(y))
                { xs.Add(double.Parse(c[0], CultureInfo.InvariantCulture)); ys.Add(y); }
            return (xs.ToArray(), ys.ToArray());
        }
        var plot = new ScottPlot.Plot();
        bool rl = Array.IndexOf(header, "reward_mean") >= 0;
        var (x, y) = Column(rl ? "reward_mean" : "loss");
        if (x.Length > 0)
        {
            var line = plot.Add.ScatterLine(x, y);
            line.LegendText = rl ? "reward mean" : "SFT loss";
            line.LineWidth = 2;
        }
        var (ax, ay) = Column("heldout_accuracy");
        if (ax.Length > 0)
        {
            var acc = plot.Add.Scatter(ax, ay);
            acc.LegendText = "held-out greedy accuracy";
            acc.LinePattern = ScottPlot.LinePattern.Dashed;
            if (!rl) acc.Axes.YAxis = plot.Axes.Right;
            if (!rl) plot.Axes.Right.Label.Text = "accuracy";
        }
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel(rl ? "reward / accuracy" : "loss");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        string tmp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outPath))!, $".{Path.GetFileName(outPath)}.{Guid.NewGuid():N}.png");
        try
        {
            plot.SavePng(tmp, 900, 540);
            File.Move(tmp, outPath, overwrite: true);
        }
        finally { if (File.Exists(tmp)) File.Delete(tmp); }
    }
}
