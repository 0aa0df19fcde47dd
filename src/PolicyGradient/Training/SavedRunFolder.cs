using PolicyGradient.Serialization;

namespace PolicyGradient.Training;

/// <summary>
/// The folder a trained learner is saved into (<c>ppo.Save(path)</c>, a language trainer's <c>Save(path)</c>):
/// a small run folder holding only config.yaml and checkpoints/final, which loading, <c>pg eval</c> and
/// <c>pg resume</c> read like any run folder.
/// </summary>
public static class SavedRunFolder
{
    /// <summary>
    /// Creates or clears <paramref name="path"/> for a save and returns its full path: a new or empty
    /// folder, or an earlier save (whose periodic checkpoints are removed: they would no longer match
    /// config.yaml), is accepted; anything else is refused rather than overwritten.
    /// </summary>
    /// <exception cref="ArgumentException">A file, or a folder holding something else (the message names it).</exception>
    public static string Prepare(string path) => SavedModelFolder.Prepare(path);
}
