namespace PolicyGradient.Serialization;

/// <summary>
/// The folder a model is saved into (<c>ppo.Save(path)</c>, <c>trainer.Save(path)</c>): a small run
/// folder holding only config.yaml and checkpoints/. A new or empty folder, or an earlier save, is
/// accepted (the earlier save's periodic checkpoints are removed: they would no longer match
/// config.yaml); anything else is refused rather than overwritten.
/// </summary>
internal static class SavedModelFolder
{
    const string ConfigFile = "config.yaml", CheckpointsFolder = "checkpoints", FinalName = "final";

    /// <summary>Creates or clears <paramref name="path"/> for a save; returns its full path.</summary>
    /// <exception cref="ArgumentException">A file, or a folder holding something else (the message names it).</exception>
    public static string Prepare(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        if (File.Exists(full)) throw new ArgumentException($"{full} is a file; Save writes a folder (e.g. models/ppo-cartpole)");
        if (Directory.Exists(full))
        {
            var foreign = Directory.EnumerateFileSystemEntries(full)
                .Select(Path.GetFileName)
                .Where(n => n is not (ConfigFile or CheckpointsFolder))
                .ToList();
            if (foreign.Count > 0)
                throw new ArgumentException($"{full} exists and holds {string.Join(", ", foreign.Take(3))}, so it is not a saved model; save into a new folder");
            string checkpoints = Path.Combine(full, CheckpointsFolder);
            if (Directory.Exists(checkpoints))
                foreach (string d in Directory.GetDirectories(checkpoints))
                    if (Path.GetFileName(d) != FinalName) Directory.Delete(d, recursive: true);
        }
        Directory.CreateDirectory(full);
        return full;
    }
}
