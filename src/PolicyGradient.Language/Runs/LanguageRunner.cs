using System.Diagnostics;
using System.Globalization;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Serialization;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using PolicyGradient.Serialization;
using PolicyGradient.Training;
using PolicyGradient.Training.Checkpoints;
using PolicyGradient.Training.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Runs;

/// <summary>
/// Language-model runs into a run folder (the classic layout, docs/training.md): config.yaml,
/// progress.csv (one row per step), TensorBoard events, checkpoints/step-N and final (atomic, HF
/// weights + optimizer + generator states + step), learning-curve.png. <see cref="Resume"/>
/// continues from the newest complete checkpoint and, with the same seed and one thread, ends with
/// the same weights and the same progress.csv (timing columns aside) as an uninterrupted run.
/// </summary>
public static class LanguageRunner
{
    /// <summary>File names in the run folder.</summary>
    public const string ConfigFile = "config.yaml", ProgressFile = "progress.csv", CurveFile = "learning-curve.png";

    /// <summary>Trains <paramref name="config"/> into <paramref name="runDir"/> (which should be new or empty).</summary>
    /// <exception cref="ArgumentException">A bad --init path.</exception>
    /// <exception cref="IOException">The run folder cannot be written.</exception>
    public static LanguageRunResult Train(LanguageRunConfig config, string runDir, LanguageRunSession? session = null)
    {
        session ??= new LanguageRunSession();
        Directory.CreateDirectory(runDir);
        AtomicFile.WriteAllText(Path.Combine(runDir, ConfigFile), config.ToYaml());
        var task = LanguageTasks.Create(config.TaskId, config.Run.Task);
        TransformerPolicy policy;
        if (config.Run.Init is { Length: > 0 } init)
        {
            var warnings = new List<string>();
            policy = LanguageCheckpoint.LoadPolicy(LanguageCheckpoint.Locate(init, warnings));
            foreach (string w in warnings) session.Warn?.Invoke(w);
        }
        else policy = new TransformerPolicy(config.Run.Model, config.Run.ModelSeed >= 0 ? config.Run.ModelSeed : config.Seed);
        policy.to(session.Device ?? CPU);
        var stepper = MakeStepper(config, policy, task);
        return Loop(config, runDir, stepper, task, session, 0);
    }

    /// <summary>
    /// Continues the run in <paramref name="runDir"/> from its newest complete checkpoint up to
    /// <paramref name="steps"/> steps in total (default: the run's <c>steps</c>).
    /// </summary>
    /// <exception cref="ConfigurationException">No or invalid config.yaml.</exception>
    /// <exception cref="CheckpointException">No complete checkpoint, or one written with another configuration.</exception>
    public static LanguageRunResult Resume(string runDir, int? steps = null, LanguageRunSession? session = null)
    {
        session ??= new LanguageRunSession();
        var overrides = steps is int n ? ConfigLayer.FromScalars("--steps", [new("steps", n.ToString(CultureInfo.InvariantCulture))]) : null;
        var config = LanguageRunConfig.FromRunConfig(Path.Combine(runDir, ConfigFile), overrides);
        var warnings = new List<string>();
        string checkpoint = CheckpointStore.LatestComplete(runDir, warnings)
            ?? throw new CheckpointException($"{runDir}: no complete checkpoint to resume from");
        foreach (string w in warnings) session.Warn?.Invoke(w);
        var manifest = CheckpointStore.Verify(checkpoint);
        if (manifest.Identity.ConfigHash is string h && h != config.Hash)
            throw new CheckpointException($"{checkpoint}: written with a different configuration than {Path.Combine(runDir, ConfigFile)} (config hash {h[..12]}… vs {config.Hash[..12]}…)");
        var policy = HfCheckpoint.Load(checkpoint);
        policy.to(session.Device ?? CPU);
        var task = LanguageTasks.Create(config.TaskId, config.Run.Task);
        var stepper = MakeStepper(config, policy, task);
        stepper.LoadState(checkpoint, File.ReadAllBytes(Path.Combine(checkpoint, CheckpointStore.EnvStateFile)), LanguageCheckpoint.ReadStep(manifest));
        double wall = LanguageProgressCsv.TruncateForResume(Path.Combine(runDir, ProgressFile), stepper.StepsDone);
        return Loop(config, runDir, stepper, task, session, wall);
    }

    static ILanguageStepper MakeStepper(LanguageRunConfig config, TransformerPolicy policy, VerifiableTask task)
    {
        var tokenizer = new CharTokenizer();
        return config.Options switch
        {
            SftOptions s => new SftStepper(policy, new SftTrainer(policy, task, tokenizer, s), s),
            GroupTrainerOptions g => new GroupStepper(policy, new GroupTrainer(policy, task, tokenizer, g), g),
            _ => throw new InvalidOperationException($"unexpected options type {config.Options.GetType().Name}"),
        };
    }

    static LanguageRunResult Loop(LanguageRunConfig config, string runDir, ILanguageStepper stepper, VerifiableTask task, LanguageRunSession session, double wallOffset)
    {
        var tokenizer = new CharTokenizer();
        var heldOut = task.HeldOut(config.Run.EvalProblems);
        int total = config.Steps;
        int checkpointEvery = config.Run.CheckpointEvery > 0 ? config.Run.CheckpointEvery : Math.Max(1, total / 10);
        var names = stepper.MetricNames;
        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromMinutes(config.Run.CheckpointMinutes);
        long lastCheckpointClock = session.Time.GetTimestamp();
        double accuracy = double.NaN;
        LanguageStepRecord? last = null;
        var writer = torch.utils.tensorboard.SummaryWriter(runDir);
        using (var csv = new LanguageProgressCsv(Path.Combine(runDir, ProgressFile), names))
        {
            while (stepper.StepsDone < total)
            {
                var values = stepper.Step();
                int done = stepper.StepsDone;
                double? acc = null;
                if ((config.Run.EvalEvery > 0 && done % config.Run.EvalEvery == 0) || done == total)
                    accuracy = (double)(acc = heldOut.Count > 0 ? TaskEvaluation.GreedyAccuracy(stepper.Policy, task, tokenizer, heldOut) : double.NaN);
                double wall = wallOffset + clock.Elapsed.TotalSeconds;
                csv.Append(done, wall, values, acc);
                for (int i = 0; i < names.Count; i++) writer.add_scalar("train/" + names[i], (float)values[i], done);
                if (acc is double a) writer.add_scalar("eval/heldout_accuracy", (float)a, done);
                last = new LanguageStepRecord(done, total, names, values, acc, wall);
                session.OnStep?.Invoke(last);
                bool stop = session.Cancellation.IsCancellationRequested && done < total;
                bool byClock = interval > TimeSpan.Zero && session.Time.GetElapsedTime(lastCheckpointClock) >= interval;
                if ((done % checkpointEvery == 0 || byClock || stop) && done < total)
                {
                    string written = LanguageCheckpoint.Write(runDir, CheckpointStore.StepName(done), config, stepper);
                    CheckpointStore.Prune(CheckpointStore.Folder(runDir), config.Run.KeepCheckpoints);
                    lastCheckpointClock = session.Time.GetTimestamp();
                    if (stop) throw new TrainingInterruptedException(runDir, written, done);
                }
            }
        }
        if (double.IsNaN(accuracy) && heldOut.Count > 0) accuracy = TaskEvaluation.GreedyAccuracy(stepper.Policy, task, tokenizer, heldOut);
        string final = LanguageCheckpoint.Write(runDir, CheckpointStore.FinalName, config, stepper);
        CheckpointStore.Prune(CheckpointStore.Folder(runDir), config.Run.KeepCheckpoints);
        try { LanguageCurvePlot.Save(Path.Combine(runDir, ProgressFile), Path.Combine(runDir, CurveFile), $"{config.Algorithm} {config.TaskId}"); }
        catch (Exception e) when (e is IOException or InvalidOperationException or TypeInitializationException or DllNotFoundException)
        { session.Warn?.Invoke($"could not draw {CurveFile}: {e.Message}"); }
        return new LanguageRunResult(runDir, stepper.StepsDone, final, accuracy, last);
    }
}
