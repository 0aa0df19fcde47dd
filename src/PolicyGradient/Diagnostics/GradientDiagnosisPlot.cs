using PolicyGradient.Training.Plotting;

namespace PolicyGradient.Diagnostics;

/// <summary>
/// The diagnosis as one picture: per estimator a bar of log₁₀ of its total variance with the 95 % bootstrap
/// interval as the error bar (half-width: the larger side, on the log scale), the cosine to the reference in
/// the bar's label. PNG, JPEG or SVG by the file name.
/// </summary>
public static class GradientDiagnosisPlot
{
    /// <summary>Writes the plot of <paramref name="report"/> to <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The extension is not .png, .jpg/.jpeg or .svg.</exception>
    public static void Save(GradientDiagnosisReport report, string title, string path, int width = 900, int height = 540)
    {
        PlotFile.CheckExtension(path);
        var plot = new ScottPlot.Plot();
        var rows = report.Estimators;
        var bars = new List<ScottPlot.Bar>();
        for (int i = 0; i < rows.Count; i++)
        {
            var e = rows[i];
            double value = Math.Log10(e.TotalVariance);
            double error = Math.Max(Math.Log10(e.TotalVarianceHigh) - value, value - Math.Log10(Math.Max(e.TotalVarianceLow, double.Epsilon)));
            bars.Add(new ScottPlot.Bar
            {
                Position = i, Value = value, Error = double.IsFinite(error) ? error : 0,
                Label = $"cos {e.CosineToReference.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}",
            });
        }
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, rows.Count).Select(i => (double)i).ToArray(), rows.Select(e => e.Estimator).ToArray());
        plot.Title(title);
        plot.YLabel("log10 total variance (95% bootstrap interval)");
        PlotFile.Save(plot, path, width, height);
    }
}
