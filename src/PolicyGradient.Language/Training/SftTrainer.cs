using System.Diagnostics;
using PolicyGradient.Environments;
using PolicyGradient.Language.Generation;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Training;

/// <summary>
/// Supervised fine-tuning one step at a time (the stepper behind <see cref="SupervisedFineTuning"/>
/// and the <c>pg train sft</c> runs): minimize L = −Σ_t m_t log π(y_t | x, y_&lt;t) / Σ_t m_t over a batch
/// of reference completions. Its whole state (AdamW moments, the problem stream, the step counter)
/// can be saved and restored, so a resumed run continues exactly where it stopped.
/// </summary>
public sealed partial class SftTrainer
{
    readonly TransformerPolicy _policy;
    readonly VerifiableTask _task;
    readonly ITokenizer _tokenizer;
    readonly SftOptions _options;
    readonly optim.Optimizer _optimizer;
    readonly Rng _rng;
    readonly SftProblemSource _problems;
    readonly Device _device;
    int _step;

    /// <summary>A trainer that updates <paramref name="policy"/> in place.</summary>
    public SftTrainer(TransformerPolicy policy, VerifiableTask task, ITokenizer tokenizer, SftOptions options)
    {
        _policy = policy; _task = task; _tokenizer = tokenizer; _options = options;
        _rng = new Rng(options.Seed);
        _problems = new SftProblemSource(task, options);
        _device = policy.parameters().First().device;
        _optimizer = optim.AdamW(policy.parameters(), options.LearningRate.Initial, weight_decay: options.WeightDecay);
        GradientBuffers.Allocate(policy.parameters());   // every step runs a backward, so none is ever released
    }

    /// <summary>Steps taken so far.</summary>
    public int StepsDone => _step;

    /// <summary>The policy being trained (updated in place).</summary>
    public TransformerPolicy Policy => _policy;

    /// <summary>The task the problems come from.</summary>
    public VerifiableTask Task => _task;

    /// <summary>The fixed problem pool when <see cref="SftOptions.SftPoolSize"/> is set, else null (a fresh stream).</summary>
    public IReadOnlyList<TaskSample>? ProblemPool => _problems.Pool;

    /// <summary>The options in use.</summary>
    public SftOptions Options => _options;

    /// <summary>The run configuration this trainer was loaded from (its algorithm name and task arguments are saved again), or null.</summary>
    internal Runs.LanguageRunConfig? RunConfig { get; init; }

    /// <summary>
    /// Saves the trainer — weights, AdamW moments, problem stream, step, options, task and model shape —
    /// into the folder <paramref name="path"/>, as a run folder that <see cref="Load"/>, <c>pg eval</c> and
    /// <c>pg resume</c> read. The task is rebuilt on load from its registered id and
    /// <paramref name="taskKwargs"/> (e.g. <c>["digits"] = 4</c>); a save that would rebuild another task is refused.
    /// </summary>
    /// <returns>The checkpoint folder written (<c>path/checkpoints/final</c>).</returns>
    /// <exception cref="NotSupportedException">A tokenizer other than the default character tokenizer, or an unregistered task.</exception>
    /// <exception cref="ArgumentException">The task differs from the registered one with these arguments, or the folder holds something else.</exception>
    public string Save(string path, IReadOnlyDictionary<string, object>? taskKwargs = null) =>
        Runs.LanguageTrainerFiles.Save(path, RunConfig?.Algorithm ?? "sft", _policy, _task, _tokenizer, _options,
            taskKwargs ?? RunConfig?.Run.Task, new Runs.SftStepper(_policy, this, _options));

    /// <summary>
    /// Loads an SFT trainer saved with <see cref="Save"/>, an SFT run folder (its final checkpoint, else
    /// the newest complete one) or one of its checkpoint folders, ready to continue exactly.
    /// </summary>
    /// <exception cref="PolicyGradient.Training.Checkpoints.CheckpointException">A group-trainer folder, a folder without trainer state, or a corrupt checkpoint.</exception>
    public static SftTrainer Load(string path, Device? device = null)
    {
        var o = Runs.LanguageTrainerFiles.Open(path, device, sft: true, nameof(SftTrainer));
        var trainer = new SftTrainer(o.Policy, o.Task, new CharTokenizer(), (SftOptions)o.Config.Options) { RunConfig = o.Config };
        trainer.LoadState(o.Checkpoint, o.StreamState, o.Step);
        return trainer;
    }

    /// <summary>One batch of reference completions → cross-entropy → clipped AdamW step.</summary>
    public SftStepMetrics Step()
    {
        var metrics = Interop.ScalarLifetimeGuard.Run(StepUnguarded);
        Diagnostics.MemoryProbe.Mark("sft", _step - 1, "scope freed");
        StepGarbage.Collect();
        Diagnostics.MemoryProbe.Mark("sft", _step - 1, "collected");
        return metrics;
    }

    SftStepMetrics StepUnguarded()
    {
        using var scope = torch.NewDisposeScope();
        var clock = Stopwatch.StartNew();
        LearningRateSchedule.Apply(_optimizer, _options.LearningRate, _step, _options.Steps);
        _policy.train();
        var samples = _problems.Next(_rng, _options.BatchSize);
        var (prompt, promptMask) = TaskBatch.Prompts(samples, _tokenizer, _device);
        var (target, targetMask) = TaskBatch.References(samples, _tokenizer, _device);
        var logProbs = Forward(prompt, promptMask, target, targetMask);
        Diagnostics.MemoryProbe.Mark("sft", _step, "forward");
        var tokens = targetMask.sum();
        var loss = -logProbs.sum() / tokens;
        _optimizer.zero_grad();
        loss.backward();
        Diagnostics.MemoryProbe.Mark("sft", _step, "backward");
        double gradNorm = nn.utils.clip_grad_norm_(_policy.parameters(), _options.MaxGradNorm);
        _optimizer.step();
        return new SftStepMetrics(_step++, loss.item<float>(), gradNorm, (long)tokens.item<float>(), clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Log-probs [B, C] of the references, computed in their own dispose scope: the autograd graph keeps what
    /// backward needs, every other intermediate is released before the loss (and backward frees the saved
    /// activations as it goes), instead of all of them living until the step ends.
    /// </summary>
    Tensor Forward(Tensor prompt, Tensor promptMask, Tensor target, Tensor targetMask)
    {
        using var forward = torch.NewDisposeScope();
        return SequenceLogProbs.Compute(_policy, prompt, promptMask, target, targetMask).LogProbs.MoveToOuterDisposeScope();
    }

    /// <summary>Writes the optimizer state (optimizer.bin) into <paramref name="dir"/>; returns the problem stream's state and the step.</summary>
    internal (byte[] StreamState, int Step) SaveState(string dir)
    {
        TrainerStateFiles.SaveOptimizer(_optimizer, dir);
        return (TrainerStateFiles.RngBytes(_rng), _step);
    }

    /// <summary>Restores what <see cref="SaveState"/> wrote.</summary>
    internal void LoadState(string dir, byte[] streamState, int step)
    {
        TrainerStateFiles.LoadOptimizer(_optimizer, dir);
        TrainerStateFiles.SetRng(_rng, streamState);
        _step = step;
    }
}
