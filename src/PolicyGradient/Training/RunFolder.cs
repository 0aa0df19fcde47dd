using System.Globalization;

namespace PolicyGradient.Training;

/// <summary>Names and creates run folders: runs/&lt;algo&gt;-&lt;env&gt;-&lt;seed&gt;-&lt;yyyyMMdd-HHmmss&gt;/ or a folder the user chose.</summary>
public static class RunFolder
{
    /// <summary>Default parent folder of runs.</summary>
    public const string DefaultRoot = "runs";

    /// <summary>The default run folder name.</summary>
    public static string DefaultName(string algorithm, string envId, long seed, DateTime localTime) =>
        string.Create(CultureInfo.InvariantCulture, $"{algorithm}-{envId}-{seed}-{localTime:yyyyMMdd-HHmmss}");

    /// <summary>
    /// Creates the run folder. An existing non-empty folder is never overwritten silently: without
    /// <paramref name="force"/> this throws; with it the old contents are deleted first.
    /// </summary>
    /// <exception cref="ArgumentException">The folder exists and is not empty (message says to use --force or another --out).</exception>
    public static string Create(string path, bool force)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            if (!force) throw new ArgumentException($"run folder {full} already exists and is not empty; choose another --out, resume it with 'pg resume', or pass --force to replace it");
            Directory.Delete(full, recursive: true);
        }
        else if (File.Exists(full)) throw new ArgumentException($"{full} is a file, not a folder");
        Directory.CreateDirectory(full);
        return full;
    }
}
