using PolicyGradient.Algorithms;
using PolicyGradient.Environments;
using PolicyGradient.Training.Checkpoints;
using PolicyGradient.Training.Configuration;
using PolicyGradient.Core;
using static TorchSharp.torch;

namespace PolicyGradient.Training;

/// <summary>Loads a trained algorithm from a run folder (its newest complete checkpoint) or from a checkpoint folder.</summary>
public static class RunLoader
{
    /// <summary>
    /// Builds the run's algorithm from its config.yaml and restores the checkpoint. For a run
    /// folder the newest complete checkpoint is used; for checkpoints/&lt;name&gt;/ that one.
    /// </summary>
    /// <exception cref="ArgumentException">The path is neither.</exception>
    /// <exception cref="ConfigurationException">The run's config.yaml is missing or invalid.</exception>
    /// <exception cref="CheckpointException">The checkpoint is corrupt or does not match.</exception>
    public static (IAlgorithm Algorithm, ResolvedConfig Config, string Checkpoint) Load(string path, Device device, Action<string>? warn = null)
    {
        string full = Path.GetFullPath(path);
        string runDir, checkpoint;
        if (File.Exists(Path.Combine(full, CheckpointStore.ManifestFile)) || Path.GetFileName(Path.GetDirectoryName(full)) == "checkpoints")
        {
            checkpoint = full;
            runDir = Path.GetDirectoryName(Path.GetDirectoryName(full)!)!;
        }
        else if (File.Exists(Path.Combine(full, Trainer.ConfigFile)))
        {
            runDir = full;
            var warnings = new List<string>();
            checkpoint = CheckpointStore.LatestComplete(full, warnings) ?? throw new CheckpointException($"{full}: the run has no complete checkpoint yet");
            foreach (string w in warnings) warn?.Invoke(w);
        }
        else throw new ArgumentException($"{full} is neither a run folder (with config.yaml) nor a checkpoint folder (with manifest.json)");

        var config = ConfigResolver.FromRunConfig(Path.Combine(runDir, Trainer.ConfigFile));
        var descriptor = AlgorithmRegistry.Get(config.Algorithm);
        using var env = Envs.Make(config.EnvId, config.Run.EnvKwargs);
        var identity = new CheckpointIdentity(descriptor.Name, config.EnvId, env.ObservationSpace.ToString(), env.ActionSpace.ToString(), config.Hash)
            { AcceptedConfigHashes = config.CompatibleHashes };
        var (state, _) = CheckpointStore.Load(checkpoint, identity);
        using (state)
        {
            var algorithm = descriptor.Create(config.Options, new AlgorithmContext(config.EnvId, config.Run.Seed, device, config.Run.EnvKwargs));
            try { algorithm.RestoreState(state); }
            catch (InvalidDataException e) { algorithm.Dispose(); throw new CheckpointException($"{checkpoint}: does not fit this algorithm: {e.Message}", e); }
            return (algorithm, config, checkpoint);
        }
    }
}
