using PolicyGradient.Language.Model;
using PolicyGradient.Language.Serialization;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Serialization;
using PolicyGradient.Training.Checkpoints;
using PolicyGradient.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Runs;

/// <summary>
/// Save and Load of the language trainers (<see cref="Training.SftTrainer"/>, <see cref="Training.GroupTrainer"/>),
/// in the run layer's own format: a saved trainer is a small run folder — config.yaml (algorithm,
/// task and its keyword arguments, model shape, every option) and checkpoints/final (Hugging Face
/// weights, optimizer and generator states, written atomically with a SHA-256 manifest) — so
/// <c>pg eval</c> and <c>pg resume</c> read it, and Load reads run and checkpoint folders of <c>pg train</c>.
/// </summary>
internal static class LanguageTrainerFiles
{
    /// <summary>What Load rebuilds a trainer from.</summary>
    internal sealed record Opened(LanguageRunConfig Config, TransformerPolicy Policy, VerifiableTask Task, string Checkpoint, byte[] StreamState, int Step);

    /// <summary>Writes config.yaml and checkpoints/final of a trainer into <paramref name="path"/>; returns the checkpoint folder.</summary>
    public static string Save(string path, string algorithm, TransformerPolicy policy, VerifiableTask task, ITokenizer tokenizer,
        object options, IReadOnlyDictionary<string, object>? taskKwargs, ILanguageStepper stepper)
    {
        if (tokenizer is not CharTokenizer { Alphabet: CharTokenizer.DefaultAlphabet })
            throw new NotSupportedException("Save supports the character tokenizer with its default alphabet (the one language runs use); with another tokenizer save the weights with HfCheckpoint.Save(trainer.Policy, folder)");
        string taskId;
        try { taskId = LanguageTasks.Canonical(task.Id); }
        catch (ArgumentException)
        {
            throw new NotSupportedException($"task '{task.Id}' is not registered, so Load could not rebuild it; register it first: LanguageTasks.Register(\"{task.Id}\", () => new {task.GetType().Name}(...))");
        }
        var kwargs = new Dictionary<string, object>(taskKwargs ?? new Dictionary<string, object>(), StringComparer.Ordinal);
        // The task is rebuilt from its id and keyword arguments: refuse a save that would rebuild another task.
        if (Fingerprint(LanguageTasks.Create(taskId, kwargs)) != Fingerprint(task))
            throw new ArgumentException($"this trainer's task differs from {taskId} built with {(kwargs.Count == 0 ? "its default arguments" : string.Join(", ", kwargs.Select(k => $"{k.Key}={k.Value}")))}; " +
                "pass the arguments you built it with, e.g. Save(path, taskKwargs: new Dictionary<string, object> { [\"digits\"] = 4 })", nameof(taskKwargs));

        string dir = PolicyGradient.Training.SavedRunFolder.Prepare(path);
        var config = LanguageRunConfig.Of(algorithm, taskId, new LanguageRunOptions { Model = policy.Config, Task = kwargs }, options);
        string configPath = Path.Combine(dir, LanguageRunner.ConfigFile);
        AtomicFile.WriteAllText(configPath, config.ToYaml());
        var written = LanguageRunConfig.FromRunConfig(configPath);   // validated as Load will read it
        using var learner = new LanguageLearner(written.Algorithm, stepper, written.ToYaml(), ownsPolicy: false);
        using var state = learner.CaptureState();
        return CheckpointStore.Write(CheckpointStore.Folder(dir), CheckpointStore.FinalName, state, LanguageCheckpoint.Identity(written));
    }

    /// <summary>
    /// Opens a saved trainer, a language run folder (its final checkpoint, else the newest complete one)
    /// or a checkpoint folder, for a trainer of the given kind.
    /// </summary>
    /// <exception cref="CheckpointException">Another kind of trainer, a folder without trainer state, or a corrupt or mismatched checkpoint.</exception>
    /// <exception cref="ArgumentException">Not a language run, checkpoint or saved trainer.</exception>
    public static Opened Open(string path, Device? device, bool sft, string trainerName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        string final = Path.Combine(CheckpointStore.Folder(full), CheckpointStore.FinalName);
        if (LanguageRunConfig.ReadIdentity(Path.Combine(full, LanguageRunner.ConfigFile)) is not null && Directory.Exists(final))
        {
            try { CheckpointStore.Verify(final); full = final; }
            catch (CheckpointException) { }
        }
        var location = LanguageCheckpoint.Locate(full);
        if (!location.IsCheckpoint || location.RunConfig is null || !File.Exists(location.RunConfig))
            throw new CheckpointException($"{full}: holds weights but no trainer state (a Hugging Face folder); load the weights with HfCheckpoint.Load");
        var manifest = CheckpointStore.Verify(location.ModelDir);
        var config = LanguageRunConfig.FromRunConfig(location.RunConfig);
        if (config.IsSft != sft)
            throw new CheckpointException($"{location.ModelDir}: holds a '{config.Algorithm}' trainer, not {trainerName}; load it with {(config.IsSft ? "SftTrainer" : "GroupTrainer")}.Load");
        if (!LanguageCheckpoint.Identity(config).AcceptsConfigHash(manifest.Identity.ConfigHash))
            throw new CheckpointException($"{location.ModelDir}: written with a different configuration than its {LanguageCheckpoint.RunConfigFile}");
        var task = LanguageTasks.Create(config.TaskId, config.Run.Task);
        var policy = HfCheckpoint.Load(location.ModelDir);
        policy.to(device ?? CPU);
        byte[] stream = File.ReadAllBytes(Path.Combine(location.ModelDir, CheckpointStore.EnvStateFile));
        return new Opened(config, policy, task, location.ModelDir, stream, LanguageCheckpoint.ReadStep(manifest));
    }

    /// <summary>
    /// The name of the GRPO-family algorithm whose definition <paramref name="options"/> already
    /// satisfies, the most specific one when several do (DAPO's options satisfy GRPO's definition too);
    /// grpo when none does. The name labels the run; every option is saved explicitly.
    /// </summary>
    public static string AlgorithmOf(Training.GroupTrainerOptions options)
    {
        var defaults = LanguageRunConfig.Describe(new Training.GroupTrainerOptions());
        int Defined(string name) => LanguageRunConfig.Describe(Training.LanguageAlgorithms.Options(name))
            .Zip(defaults).Count(p => p.First.Value != p.Second.Value);
        return Training.LanguageAlgorithms.Names
            .Where(n => Training.LanguageAlgorithms.Options(n, options) == options)
            .OrderByDescending(Defined)
            .FirstOrDefault() ?? "grpo";
    }

    /// <summary>A task's identity for the save check: id, completion length and its first held-out problems.</summary>
    static string Fingerprint(VerifiableTask task) =>
        task.Id + "|" + task.MaxCompletionLength + "|" + string.Join("|", task.HeldOut(8).Select(s => s.Prompt + "=>" + s.Reference));
}
