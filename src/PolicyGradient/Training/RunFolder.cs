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
    /// <exception cref="ArgumentException">The folder exists and is not empty (message says to use --force or another --out),
    /// or it cannot be created (below a file, no permission, a read-only or virtual file system); the message says which.</exception>
    public static string Create(string path, bool force)
    {
        string full = Check(path, force);
        try
        {
            if (Directory.Exists(full) && force) Directory.Delete(full, recursive: true);
            Directory.CreateDirectory(full);
            // A folder that exists but cannot hold files (/proc, /sys) fails here rather than at the first checkpoint.
            string probe = Path.Combine(full, ".pg-write-test");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot create run folder {full}: {Reason(e)}; choose another --out");
        }
        return full;
    }

    /// <summary>
    /// Checks, without creating anything, that <see cref="Create"/> can make the folder: not an existing
    /// non-empty folder (unless <paramref name="force"/>), not a file, not below a file. Returns the full path.
    /// </summary>
    /// <exception cref="ArgumentException">The folder cannot be used; the message names the problem and the fix.</exception>
    public static string Check(string path, bool force)
    {
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        { throw new ArgumentException($"--out '{path}' is not a valid folder path: {e.Message}"); }
        if (Directory.Exists(full))
        {
            if (!force && Directory.EnumerateFileSystemEntries(full).Any())
                throw new ArgumentException($"run folder {full} already exists and is not empty; choose another --out, resume it with 'pg resume', or pass --force to replace it");
            return full;
        }
        if (File.Exists(full)) throw new ArgumentException($"{full} is a file, not a folder; choose another --out");
        for (string? parent = Path.GetDirectoryName(full); parent is not null; parent = Path.GetDirectoryName(parent))
        {
            if (Directory.Exists(parent)) break;
            if (File.Exists(parent)) throw new ArgumentException($"cannot create run folder {full}: {parent} is a file, not a folder; choose another --out");
        }
        return full;
    }

    static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        FileNotFoundException or DirectoryNotFoundException => "the path cannot hold files (a read-only or virtual file system?)",
        _ => e.Message,
    };
}
