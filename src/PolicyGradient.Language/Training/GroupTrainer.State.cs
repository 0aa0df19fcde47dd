using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Serialization;
using PolicyGradient.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Training;

// Resumable state of the group trainer, kept apart from the algorithm: AdamW moments, the prompt
// stream, the sampler's generator, the frozen KL reference, the (adaptive) KL coefficient, the
// ppo-lm critic with its optimizer, and the step counter.
public sealed partial class GroupTrainer
{
    const string SamplerStateFile = "sampler-state.safetensors", CriticOptimizerFile = "critic-optimizer.bin";

    /// <summary>Updates done so far.</summary>
    public int StepsDone => _step;

    /// <summary>The policy being trained (updated in place).</summary>
    public TransformerPolicy Policy => _policy;

    /// <summary>The task the prompts come from.</summary>
    public VerifiableTask Task => _task;

    /// <summary>The options in use.</summary>
    public GroupTrainerOptions Options => _options;

    /// <summary>The run configuration this trainer was loaded from (its algorithm name and task arguments are saved again), or null.</summary>
    internal Runs.LanguageRunConfig? RunConfig { get; init; }

    /// <summary>
    /// Saves the trainer — weights, optimizer(s), prompt stream, sampler generator, KL reference and
    /// coefficient, critic, step, options, task and model shape — into the folder <paramref name="path"/>,
    /// as a run folder that <see cref="Load"/>, <c>pg eval</c> and <c>pg resume</c> read. The task is rebuilt
    /// on load from its registered id and <paramref name="taskKwargs"/>; a save that would rebuild another
    /// task is refused. A custom <see cref="GroupTrainerOptions.Reward"/> is code and is not saved: pass it to Load again.
    /// </summary>
    /// <returns>The checkpoint folder written (<c>path/checkpoints/final</c>).</returns>
    /// <exception cref="NotSupportedException">A tokenizer other than the default character tokenizer, or an unregistered task.</exception>
    /// <exception cref="ArgumentException">The task differs from the registered one with these arguments, or the folder holds something else.</exception>
    public string Save(string path, IReadOnlyDictionary<string, object>? taskKwargs = null) =>
        Runs.LanguageTrainerFiles.Save(path, RunConfig?.Algorithm ?? Runs.LanguageTrainerFiles.AlgorithmOf(_options), _policy, _task, _tokenizer,
            _options, taskKwargs ?? RunConfig?.Run.Task, new Runs.GroupStepper(_policy, this, _options));

    /// <summary>
    /// Loads a group trainer saved with <see cref="Save"/>, a GRPO-family run folder (its final
    /// checkpoint, else the newest complete one) or one of its checkpoint folders, ready to continue exactly.
    /// </summary>
    /// <param name="path">The folder.</param>
    /// <param name="device">Tensor device (default CPU).</param>
    /// <param name="reward">The custom reward function the trainer was built with, if any (code is not saved).</param>
    /// <exception cref="PolicyGradient.Training.Checkpoints.CheckpointException">An SFT folder, a folder without trainer state, or a corrupt checkpoint.</exception>
    public static GroupTrainer Load(string path, Device? device = null, RewardFunction? reward = null)
    {
        var o = Runs.LanguageTrainerFiles.Open(path, device, sft: false, nameof(GroupTrainer));
        var options = (GroupTrainerOptions)o.Config.Options;
        if (reward is not null) options = options with { Reward = reward };
        var trainer = new GroupTrainer(o.Policy, o.Task, new CharTokenizer(), options) { RunConfig = o.Config };
        trainer.LoadState(o.Checkpoint, o.StreamState, o.Step);
        return trainer;
    }

    /// <summary>
    /// Writes optimizer.bin and sampler-state.safetensors (generator state, reference weights when a
    /// KL reference exists) into <paramref name="dir"/>; returns the prompt stream's state and the step.
    /// </summary>
    internal (byte[] StreamState, int Step) SaveState(string dir)
    {
        TrainerStateFiles.SaveOptimizer(_optimizer, dir);
        if (_criticOptimizer is not null) TrainerStateFiles.SaveOptimizer(_criticOptimizer, dir, CriticOptimizerFile);
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["generator_state"] = _generator.get_state(),
            ["kl_coefficient"] = torch.tensor(new[] { _klCoefficient }, ScalarType.Float64),
        };
        if (_reference is not null)
            foreach (var (name, t) in _reference.state_dict()) tensors["reference." + name] = t;
        if (_critic is not null)
            foreach (var (name, t) in _critic.state_dict()) tensors["critic." + name] = t;
        SafeTensorsFile.Save(Path.Combine(dir, SamplerStateFile), tensors);
        return (TrainerStateFiles.RngBytes(_rng), _step);
    }

    /// <summary>Restores what <see cref="SaveState"/> wrote (the policy's weights are loaded by the caller).</summary>
    internal void LoadState(string dir, byte[] streamState, int step)
    {
        TrainerStateFiles.LoadOptimizer(_optimizer, dir);
        if (_criticOptimizer is not null) TrainerStateFiles.LoadOptimizer(_criticOptimizer, dir, CriticOptimizerFile);
        TrainerStateFiles.SetRng(_rng, streamState);
        string path = Path.Combine(dir, SamplerStateFile);
        if (!File.Exists(path)) throw new InvalidDataException($"{dir}: missing {SamplerStateFile} (not a group-trainer checkpoint)");
        var (tensors, _) = SafeTensorsFile.Load(path);
        try
        {
            _generator.set_state(tensors["generator_state"]);
            if (_reference is not null)
            {
                var state = tensors.Where(kv => kv.Key.StartsWith("reference.", StringComparison.Ordinal))
                    .ToDictionary(kv => kv.Key["reference.".Length..], kv => kv.Value);
                if (state.Count == 0) throw new InvalidDataException($"{dir}: the checkpoint has no KL reference weights");
                using (torch.no_grad()) _reference.load_state_dict(state);
            }
            if (_critic is not null)
            {
                var state = tensors.Where(kv => kv.Key.StartsWith("critic.", StringComparison.Ordinal))
                    .ToDictionary(kv => kv.Key["critic.".Length..], kv => kv.Value);
                if (state.Count == 0) throw new InvalidDataException($"{dir}: the checkpoint has no critic weights (estimator gae)");
                using (torch.no_grad()) _critic.load_state_dict(state);
            }
            // Checkpoints written before the KL coefficient was saved keep the configured one.
            if (tensors.TryGetValue("kl_coefficient", out var beta)) _klCoefficient = beta.item<double>();
        }
        finally { foreach (var t in tensors.Values) t.Dispose(); }
        _step = step;
    }
}
