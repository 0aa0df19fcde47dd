using System.Globalization;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Serialization;
using PolicyGradient.Training.Checkpoints;
using PolicyGradient.Training;

namespace PolicyGradient.Language.Runs;

/// <summary>
/// Checkpoints of language-model runs: <c>checkpoints/step-N/</c> and <c>final/</c>, written
/// atomically by the run layer's <see cref="CheckpointStore"/> with a manifest of SHA-256 sums from a
/// <see cref="LanguageLearner"/>'s state. Each holds the policy
/// in Hugging Face layout (config.json + model.safetensors, loadable by <see cref="HfCheckpoint"/>),
/// optimizer.bin, the sampler's state, env-state.bin (the problem stream's 48-byte state) and
/// run-config.yaml (the run's configuration, so the folder is self-contained).
/// </summary>
public static class LanguageCheckpoint
{
    /// <summary>The run configuration copied into every checkpoint.</summary>
    public const string RunConfigFile = "run-config.yaml";

    /// <summary>Where a --init or eval path points: the checkpoint (or Hugging Face) folder and, when known, the run configuration file.</summary>
    /// <param name="ModelDir">Folder with config.json + model.safetensors.</param>
    /// <param name="RunConfig">A run-config.yaml or config.yaml describing the task, or null for a bare Hugging Face folder.</param>
    /// <param name="IsCheckpoint">True for a folder with a verified manifest.</param>
    public sealed record Location(string ModelDir, string? RunConfig, bool IsCheckpoint);

    /// <summary>True when <paramref name="path"/> is a language run folder, a language checkpoint or a Hugging Face folder.</summary>
    public static bool IsLanguagePath(string path) =>
        Directory.Exists(path) && (LanguageRunConfig.ReadIdentity(Path.Combine(path, "config.yaml")) is not null
            || File.Exists(Path.Combine(path, "config.json")) && File.Exists(Path.Combine(path, "model.safetensors")));

    /// <summary>Resolves a run folder (its newest complete checkpoint, final when finished), a checkpoint folder or a Hugging Face folder.</summary>
    /// <exception cref="ArgumentException">The path holds none of these (the message says what was expected).</exception>
    /// <exception cref="CheckpointException">A checkpoint that fails verification.</exception>
    public static Location Locate(string path, List<string>? warnings = null)
    {
        if (!Directory.Exists(path)) throw new ArgumentException($"{path}: no such folder (expected a run folder, a checkpoint folder or a Hugging Face folder with config.json + model.safetensors)");
        string full = Path.GetFullPath(path);
        string runConfig = Path.Combine(full, "config.yaml");
        if (LanguageRunConfig.ReadIdentity(runConfig) is not null)
        {
            string ckpt = CheckpointStore.LatestComplete(full, warnings)
                ?? throw new ArgumentException($"{path}: this run has no complete checkpoint yet");
            return new Location(ckpt, Path.Combine(ckpt, RunConfigFile), true);
        }
        bool hf = File.Exists(Path.Combine(full, "config.json")) && File.Exists(Path.Combine(full, "model.safetensors"));
        if (hf && File.Exists(Path.Combine(full, CheckpointStore.ManifestFile)))
        {
            CheckpointStore.Verify(full);
            return new Location(full, File.Exists(Path.Combine(full, RunConfigFile)) ? Path.Combine(full, RunConfigFile) : null, true);
        }
        if (hf) return new Location(full, null, false);
        throw new ArgumentException($"{path}: not a language run folder, a checkpoint folder or a Hugging Face folder (none of config.yaml with task_id, manifest.json, config.json + model.safetensors)");
    }

    /// <summary>Loads the policy of a located folder.</summary>
    /// <exception cref="InvalidDataException">Unsupported or inconsistent weights.</exception>
    public static TransformerPolicy LoadPolicy(Location location) => HfCheckpoint.Load(location.ModelDir);

    /// <summary>The step counter stored in a checkpoint's manifest.</summary>
    internal static int ReadStep(CheckpointManifest m) =>
        m.Values.TryGetValue(LanguageLearner.StepKey, out string? s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : m.NumUpdates;

    /// <summary>The identity a checkpoint of <paramref name="config"/> carries.</summary>
    internal static CheckpointIdentity Identity(LanguageRunConfig config) =>
        new(config.Algorithm, config.TaskId, "tokens", $"tokens[{config.Run.Model.VocabularySize}]", config.Hash)
        { AcceptedConfigHashes = config.Config.CompatibleHashes };
}
