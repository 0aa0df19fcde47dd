using System.Globalization;

namespace PolicyGradient.Training.Plotting;

/// <summary>
/// Learning curves with ScottPlot 5: mean episode return (and evaluation return when present)
/// against timesteps, read from each run's progress.csv; several runs are overlaid.
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

    /// <summary>Draws the curves of <paramref name="runs"/> (label, run folder) into <paramref name="outPath"/>: PNG, JPEG or SVG by its extension.</summary>
    /// <exception cref="ArgumentException">No run has any finished episode to plot, or the extension is not .png, .jpg/.jpeg or .svg.</exception>
    /// <exception cref="IOException">The file cannot be written (the message names it).</exception>
    public static void Save(IReadOnlyList<(string Label, string RunDir)> runs, string outPath, int width = 900, int height = 540)
    {
        var plot = new ScottPlot.Plot();
        int series = 0;
        foreach (var (label, dir) in runs)
        {
            string csv = Path.Combine(dir, "progress.csv");
            var (xs, ys) = ReadCurve(csv);
            if (xs.Length > 0)
            {
                var line = plot.Add.ScatterLine(xs, ys);
                line.LegendText = runs.Count > 1 ? label : "mean episode return (last 100)";
                line.LineWidth = 2;
                series++;
            }
            var (ex, ey) = ReadCurve(csv, "eval_return_mean");
            if (ex.Length > 0)
            {
                var eval = plot.Add.Scatter(ex, ey);
                eval.LegendText = runs.Count > 1 ? label + " (eval)" : "evaluation mean return";
                eval.LinePattern = ScottPlot.LinePattern.Dashed;
                series++;
            }
        }
        if (series == 0) throw new ArgumentException($"nothing to plot: no finished episodes in {string.Join(", ", runs.Select(r => Path.Combine(r.RunDir, "progress.csv")))}");
        plot.Title(runs.Count == 1 ? runs[0].Label : "learning curves");
        plot.XLabel("timesteps");
        plot.YLabel("episode return");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        string full = Path.GetFullPath(outPath);
        string ext = Path.GetExtension(full).ToLowerInvariant();
        if (ext is not (".png" or ".jpg" or ".jpeg" or ".svg"))
            throw new ArgumentException($"{outPath}: unsupported image type '{ext}'; use a .png, .jpg or .svg file name");
        string folder = Path.GetDirectoryName(full)!;
        string tmp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}{ext}");
        try
        {
            Directory.CreateDirectory(folder);
            switch (ext)
            {
                case ".svg": plot.SaveSvg(tmp, width, height); break;
                case ".jpg" or ".jpeg": plot.SaveJpeg(tmp, width, height); break;
                default: plot.SavePng(tmp, width, height); break;
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The message names the hidden temporary file; name the file the caller asked for.
            throw new IOException($"cannot write {full}: {(e is UnauthorizedAccessException ? "permission denied" : "the folder cannot hold files or does not exist")}", e);
        }
        finally { try { if (File.Exists(tmp)) File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { } }
    }
}
