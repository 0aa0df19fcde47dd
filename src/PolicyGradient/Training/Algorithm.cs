using System.Globalization;
using PolicyGradient.Algorithms;
using PolicyGradient.Serialization;
using PolicyGradient.Training.Checkpoints;
using PolicyGradient.Training.Configuration;
using PolicyGradient.Core;
using static TorchSharp.torch;

namespace PolicyGradient.Training;

/// <summary>
/// Saving and loading trained algorithms: <c>ppo.Save(path)</c> (an extension method) and <c>Ppo.Load(path)</c>
/// (see <see cref="AlgorithmLoadExtensions"/>) with <c>using PolicyGradient.Training;</c>. They live in the run
/// layer because a saved model is a run folder; the algorithms themselves know nothing of files.
/// A saved model is a small run folder — <c>config.yaml</c> (algorithm, env id, seed, env kwargs and
/// every option) and <c>checkpoints/final/</c> (the run layer's checkpoint: weights, optimizer state,
/// normalization statistics, generator and env states; safetensors + SHA-256 manifest, written
/// atomically, nothing executed on load) — so <c>pg eval</c> and <c>pg resume</c> read it too, and
/// <see cref="Load{TAlgorithm}"/> reads run folders and checkpoint folders written by <c>pg train</c>.
/// </summary>
public static class Algorithm
{
    /// <summary>
    /// Saves <paramref name="algorithm"/> into the folder <paramref name="path"/> (created; a folder
    /// holding an earlier save is replaced, anything else is refused).
    /// </summary>
    /// <returns>The checkpoint folder written (<c>path/checkpoints/final</c>).</returns>
    /// <exception cref="NotSupportedException">An algorithm that is not one of the library's, or one built on a vector env you made (no registered env id to rebuild it from).</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is a file, or a folder holding something other than a saved model.</exception>
    /// <exception cref="IOException">The folder cannot be written (the message names it).</exception>
    public static string Save(this IAlgorithm algorithm, string path)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (algorithm is not IRebuildableAlgorithm savable)
            throw new NotSupportedException($"{algorithm.GetType().Name} cannot be saved with Algorithm.Save; write its CaptureState() with CheckpointStore.Write");
        var source = savable.Source ?? throw new NotSupportedException(
            $"this {algorithm.Name} was built on a vector env you made, so no registered env id records how to rebuild it; " +
            $"build it from an env id (e.g. new {algorithm.GetType().Name}(\"MyEnv-v0\", options, seed)) to save it, or write CaptureState() with CheckpointStore.Write");
        string dir = SavedModelFolder.Prepare(path);

        var run = new RunOptions
        {
            NTimesteps = Math.Max(1, algorithm.NumTimesteps),
            Seed = source.Seed,
            EnvKwargs = source.EnvKwargs is null ? new(StringComparer.Ordinal) : new(source.EnvKwargs, StringComparer.Ordinal),
        };
        var config = new ResolvedConfig(algorithm.Name, source.EnvId, run, savable.OptionsRecord);
        string configPath = Path.Combine(dir, Trainer.ConfigFile);
        AtomicFile.WriteAllText(configPath, config.ToYaml());
        // Read back what was written: the checkpoint carries the hash of the file as Load will see it.
        var written = ConfigResolver.FromRunConfig(configPath);
        var identity = new CheckpointIdentity(written.Algorithm, written.EnvId,
            savable.TrainingEnv.SingleObservationSpace.ToString(), savable.TrainingEnv.SingleActionSpace.ToString(), written.Hash);
        using var state = algorithm.CaptureState();
        state.Values.TryAdd("num_timesteps", algorithm.NumTimesteps.ToString(CultureInfo.InvariantCulture));
        state.Values.TryAdd("num_updates", algorithm.NumUpdates.ToString(CultureInfo.InvariantCulture));
        return CheckpointStore.Write(CheckpointStore.Folder(dir), CheckpointStore.FinalName, state, identity);
    }

    /// <summary>
    /// Loads a saved model, a run folder (its <c>final</c> checkpoint, else its newest complete one) or
    /// a checkpoint folder (<c>checkpoints/step-N</c> or <c>checkpoints/final</c>), rebuilding the
    /// algorithm from the recorded configuration: no option has to be repeated. The environment id
    /// must be registered (built-in, <c>Envs.Register</c>, or a plug-in loaded beforehand).
    /// </summary>
    /// <typeparam name="TAlgorithm">The algorithm class the file must hold (Ppo, A2c, Reinforce, Trpo).</typeparam>
    /// <param name="path">Folder written by Save, a run folder or a checkpoint folder.</param>
    /// <param name="device">Tensor device (default CPU).</param>
    /// <exception cref="CheckpointException">The folder holds another algorithm, does not match the environment's spaces, or is corrupt, incomplete or from a newer format (the message says which).</exception>
    /// <exception cref="ArgumentException">The path is none of the three.</exception>
    /// <exception cref="ConfigurationException">The recorded configuration is invalid.</exception>
    /// <exception cref="PolicyGradient.Environments.UnknownEnvironmentException">The recorded env id is not registered.</exception>
    public static TAlgorithm Load<TAlgorithm>(string path, Device? device = null) where TAlgorithm : class, IAlgorithm
    {
        var algorithm = Load(path, device);
        if (algorithm is TAlgorithm typed) return typed;
        string holds = algorithm.Name;
        algorithm.Dispose();
        throw new CheckpointException($"{Path.GetFullPath(path)}: holds a '{holds}' model, not {typeof(TAlgorithm).Name}; load it with Algorithm.Load (any algorithm) or the class of '{holds}'");
    }

    /// <summary>Loads whatever algorithm the folder holds (see <see cref="Load{TAlgorithm}"/>).</summary>
    /// <exception cref="CheckpointException">Corrupt, incomplete, newer format, or spaces that do not match.</exception>
    /// <exception cref="ArgumentException">The path is neither a saved model, a run folder nor a checkpoint folder.</exception>
    public static IAlgorithm Load(string path, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        if (File.Exists(full)) throw new ArgumentException($"{full} is a file; Load takes the folder written by Save, a run folder or a checkpoint folder");
        if (!Directory.Exists(full)) throw new ArgumentException($"{full}: no such folder (expected the folder written by Save, a run folder or a checkpoint folder)");
        // A run folder: its final checkpoint when that one verifies, else the newest complete one.
        string final = Path.Combine(CheckpointStore.Folder(full), CheckpointStore.FinalName);
        if (File.Exists(Path.Combine(full, Trainer.ConfigFile)) && Directory.Exists(final))
        {
            try { CheckpointStore.Verify(final); full = final; }
            catch (CheckpointException) { }
        }
        return RunLoader.Load(full, device ?? CPU).Algorithm;
    }
}

/// <summary>
/// <c>Ppo.Load(path)</c>, <c>A2c.Load(path)</c>, ... for every algorithm class: loads a model saved with
/// <c>Save</c>, a run folder or a checkpoint folder as that class (see <see cref="Algorithm.Load{TAlgorithm}"/>).
/// </summary>
public static class AlgorithmLoadExtensions
{
    extension<TAlgorithm>(TAlgorithm) where TAlgorithm : class, IAlgorithm
    {
        /// <summary>Loads a saved model, run folder or checkpoint folder holding this algorithm; see <see cref="Algorithm.Load{TAlgorithm}"/>.</summary>
        /// <exception cref="CheckpointException">The folder holds another algorithm, or is corrupt, incomplete or from a newer format.</exception>
        public static TAlgorithm Load(string path, Device? device = null) => Algorithm.Load<TAlgorithm>(path, device);
    }
}
