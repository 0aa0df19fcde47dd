using PolicyGradient.Core;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using PolicyGradient.Training;
using PolicyGradient.Training.Checkpoints;
using TorchSharp;

namespace PolicyGradient.Language.Runs;

/// <summary>
/// A language-task run (<c>pg train grpo Addition-v0</c>) for the run layer: the SFT or group trainer
/// on a task, trained for <c>steps</c>, evaluated by held-out greedy accuracy every <c>eval_every</c>
/// steps and after the last, stopped by <c>stop_accuracy_threshold</c>. progress.csv columns: step,
/// wall_seconds, the trainer's metrics, heldout_accuracy.
/// </summary>
public sealed class LanguageRun(LanguageRunConfig config) : RunDefinition
{
    /// <summary>The resolved configuration.</summary>
    public LanguageRunConfig Config { get; } = config;

    /// <inheritdoc />
    public override string Algorithm => Config.Algorithm;

    /// <inheritdoc />
    public override string TargetId => Config.TaskId;

    /// <inheritdoc />
    public override long Seed => Config.Seed;

    /// <inheritdoc />
    public override long Total => Config.Steps;

    /// <inheritdoc />
    public override string ProgressUnit => "steps";

    /// <inheritdoc />
    public override string TotalKey => "steps";

    /// <inheritdoc />
    public override string TotalFlag => "--steps";

    /// <inheritdoc />
    public override CheckpointCadence Checkpoints => new(Config.Run.CheckpointEvery, Config.Run.CheckpointMinutes, Config.Run.KeepCheckpoints, AtLastUpdate: false);

    /// <inheritdoc />
    public override string Hash => Config.Hash;

    /// <inheritdoc />
    public override string ToYaml() => Config.ToYaml();

    /// <inheritdoc />
    public override IReadOnlyList<KeyValuePair<string, string>> Entries => Config.Entries;

    /// <inheritdoc />
    public override CheckpointIdentity Identity() => LanguageCheckpoint.Identity(Config);

    /// <summary>The trainer's metric names (progress.csv columns between wall_seconds and heldout_accuracy).</summary>
    public IReadOnlyList<string> MetricNames => Config.IsSft ? SftStepper.Metrics : GroupStepper.Metrics;

    /// <inheritdoc />
    public override ILearner CreateLearner(TrainingSession session, bool restoring)
    {
        var task = LanguageTasks.Create(Config.TaskId, Config.Run.Task);
        TransformerPolicy policy;
        if (!restoring && Config.Run.Init is { Length: > 0 } init)
        {
            var warnings = new List<string>();
            policy = LanguageCheckpoint.LoadPolicy(LanguageCheckpoint.Locate(init, warnings));
            foreach (string w in warnings) session.Warn?.Invoke(w);
        }
        else policy = new TransformerPolicy(Config.Run.Model, Config.InitialWeightsSeed);
        policy.to(session.Device);
        return new LanguageLearner(Config.Algorithm, Stepper(Config, policy, task), Config.ToYaml(), ownsPolicy: true);
    }

    /// <summary>The stepper of <paramref name="config"/>'s trainer around <paramref name="policy"/>.</summary>
    internal static ILanguageStepper Stepper(LanguageRunConfig config, TransformerPolicy policy, VerifiableTask task)
    {
        var tokenizer = new CharTokenizer();
        return config.Options switch
        {
            SftOptions s => new SftStepper(policy, new SftTrainer(policy, task, tokenizer, s), s),
            GroupTrainerOptions g => new GroupStepper(policy, new GroupTrainer(policy, task, tokenizer, g), g),
            _ => throw new InvalidOperationException($"unexpected options type {config.Options.GetType().Name}"),
        };
    }

    /// <inheritdoc />
    public override string ProgressColumn => "step";

    /// <inheritdoc />
    public override IReadOnlyList<string> ProgressColumns => ["step", "wall_seconds", .. MetricNames, HeldOutEvaluation.Metric];

    /// <inheritdoc />
    public override EvaluationPlan? Evaluation => new(() => new HeldOutEvaluation(LanguageTasks.Create(Config.TaskId, Config.Run.Task), Config.Run.EvalProblems),
        Config.Run.EvalEvery, CsvFile: null, AtEnd: true, Aligned: true);

    /// <inheritdoc />
    public override (string Metric, double Threshold)? StopCondition =>
        Config.Run.StopAccuracyThreshold is double t ? (HeldOutEvaluation.Metric, t) : null;

    /// <summary>
    /// No warm-up: the plotting library (ScottPlot, SkiaSharp and its native library, about 30 MB resident and
    /// four threads) then loads only when the curve is drawn after the final checkpoint, instead of staying
    /// resident through the whole run and its peaks (docs/benchmarks.md, "Language runs: peak memory"). A
    /// language run lasts minutes, so the warm-up's saving (under a second at the end) does not pay for it.
    /// </summary>
    public override void WarmUpCurve() { }
}
