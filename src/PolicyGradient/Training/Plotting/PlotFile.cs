using Multi = ScottPlot.IMultiplotExtensions;

namespace PolicyGradient.Training.Plotting;

/// <summary>
/// Writes ScottPlot figures the way every `pg` plot is written: the image type from the file name (.png,
/// .jpg/.jpeg or .svg), one plot or several panels on one canvas, atomically (a reader never sees half an
/// image). Shared by the learning curves, the cluster panels and the gradient diagnosis.
/// </summary>
public static class PlotFile
{
    /// <summary>Throws unless <paramref name="outPath"/> ends in .png, .jpg, .jpeg or .svg.</summary>
    /// <exception cref="ArgumentException">Another extension; the message names the accepted ones.</exception>
    public static void CheckExtension(string outPath)
    {
        string ext = Path.GetExtension(outPath).ToLowerInvariant();
        if (ext is not (".png" or ".jpg" or ".jpeg" or ".svg"))
            throw new ArgumentException($"{outPath}: unsupported image type '{ext}'; use a .png, .jpg or .svg file name");
    }

    /// <summary>Saves one plot.</summary>
    /// <exception cref="ArgumentException">The extension is not an image type pg writes.</exception>
    /// <exception cref="IOException">The file cannot be written (the message names it).</exception>
    public static void Save(ScottPlot.Plot plot, string outPath, int width, int height)
    {
        CheckExtension(outPath);
        WriteAtomically(outPath, (path, ext) =>
        {
            switch (ext)
            {
                case ".svg": plot.SaveSvg(path, width, height); break;
                case ".jpg" or ".jpeg": plot.SaveJpeg(path, width, height); break;
                default: plot.SavePng(path, width, height); break;
            }
        });
    }

    /// <summary>Saves several panels on one canvas in a grid of <paramref name="columns"/> columns (ScottPlot's Multiplot; SVG through Skia's SVG canvas).</summary>
    /// <exception cref="ArgumentException">The extension is not an image type pg writes.</exception>
    /// <exception cref="IOException">The file cannot be written (the message names it).</exception>
    public static void Save(IReadOnlyList<ScottPlot.Plot> panels, int columns, string outPath, int width, int height)
    {
        CheckExtension(outPath);
        var multiplot = new ScottPlot.Multiplot();
        foreach (var empty in Multi.GetPlots(multiplot)) Multi.RemovePlot(multiplot, empty);   // a new Multiplot starts with one
        foreach (var panel in panels) Multi.AddPlot(multiplot, panel);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid((panels.Count + columns - 1) / columns, Math.Min(panels.Count, columns));
        WriteAtomically(outPath, (path, ext) =>
        {
            switch (ext)
            {
                case ".svg":
                    using (var stream = File.Create(path))
                    using (var canvas = SkiaSharp.SKSvgCanvas.Create(new SkiaSharp.SKRect(0, 0, width, height), stream))
                        multiplot.Render(canvas, new ScottPlot.PixelRect(0, width, height, 0));
                    break;
                case ".jpg" or ".jpeg": Multi.Render(multiplot, width, height).SaveJpeg(path); break;
                default: Multi.SavePng(multiplot, path, width, height); break;
            }
        });
    }

    // Written to a hidden temporary file in the same folder, then renamed: a reader never sees half an image.
    static void WriteAtomically(string outPath, Action<string, string> write)
    {
        string full = Path.GetFullPath(outPath);
        string ext = Path.GetExtension(full).ToLowerInvariant();
        string folder = Path.GetDirectoryName(full)!;
        string tmp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}{ext}");
        try
        {
            Directory.CreateDirectory(folder);
            write(tmp, ext);
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
