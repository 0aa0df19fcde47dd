using System.Globalization;
using System.Text.Json;
using PolicyGradient.Language.Runs;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Training;
using PolicyGradient.Training.Configuration;
using Spectre.Console;
using TorchSharp;

namespace PolicyGradient.Cli.Commands;

/// <summary>The language-model side of pg train / resume / eval: parses nothing, prints results, delegates to <see cref="LanguageRunner"/>.</summary>
internal static class LanguageCommands
{
    public static int Train(TrainCommand.Settings s, IReadOnlyList<string> plugins) => RunLayerErrors.Guard(() =>
    {
        if (s.Timesteps is not null) throw new UsageException("--timesteps is for environment runs; language-model runs count trainer steps: use --steps N");
        var device = TorchSetup.Apply(s.Threads, s.Deterministic, s.Device);
        string task = LanguageTasks.Canonical(s.EnvId);   // unknown task: closest ids, exit 2, before anything else
        var shorthands = new List<KeyValuePair<string, string>>();
        if (s.Steps is int n) shorthands.Add(new("steps", n.ToString(CultureInfo.InvariantCulture)));
        if (s.Seed is long seed) shorthands.Add(new("seed", seed.ToString(CultureInfo.InvariantCulture)));
        if (s.CheckpointEvery is long ce) shorthands.Add(new("checkpoint_every", ce.ToString(CultureInfo.InvariantCulture)));
        Language.Model.TransformerConfig? initModel = null;
        if (s.Init is string init)
        {
            var location = LanguageCheckpoint.Locate(init);
            shorthands.Add(new("init", location.ModelDir));
            initModel = LanguageCheckpoint.LoadPolicy(location).Config;
        }
        var overrides = Plugins.PluginLoader.Record(ConfigLayer.FromScalars("command line", shorthands), plugins);
        // init is a path: a plain scalar may read as something else, so it goes in quoted.
        if (s.Init is not null) overrides.Set("init", new YamlDotNet.RepresentationModel.YamlScalarNode(shorthands.Last(kv => kv.Key == "init").Value) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted });
        var config = LanguageRunConfig.Resolve(s.Algorithm, task, s.Config, s.Set, overrides, initModel);
        string outDir = RunFolder.Check(s.Out ?? Path.Combine(RunFolder.DefaultRoot, RunFolder.DefaultName(config.Algorithm, config.TaskId, config.Seed, DateTime.Now)), s.Force);
        RunPreflight.Language(config);   // every check done: only now does a folder appear
        string runDir = RunFolder.Create(outDir, s.Force);
        Console.Error.WriteLine($"pg: training {config.Algorithm} on {config.TaskId} for {config.Steps:N0} steps into {runDir}" + (config.Run.Init is { Length: > 0 } i ? $" from {i}" : ""));
        if (!Interrupts.TryRun(s.Deterministic ? " --deterministic" : "", cancel => Progress($"{config.Algorithm} {config.TaskId}", config.Steps, s.Quiet, s.LogEvery,
            onStep => LanguageRunner.Train(config, runDir, Session(device, onStep, cancel))), out var result)) return Interrupts.ExitCode;
        Report(result);
        return ExitCodes.Success;
    });

    public static int Resume(ResumeCommand.Settings s) => RunLayerErrors.Guard(() =>
    {
        if (s.Timesteps is not null) throw new UsageException("--timesteps is for environment runs; use --steps N for a language-model run");
        var device = TorchSetup.Apply(s.Threads, s.Deterministic, s.Device);
        var config = LanguageRunConfig.FromRunConfig(Path.Combine(s.Run, LanguageRunner.ConfigFile),
            s.Steps is int n ? ConfigLayer.FromScalars("--steps", [new("steps", n.ToString(CultureInfo.InvariantCulture))]) : null);
        if (RunPreflight.Complete(s.Run, "steps", "--steps", config.Steps, s.Steps, StepOf) is string complete)
        {
            Console.WriteLine(complete);
            return ExitCodes.Success;
        }
        Console.Error.WriteLine($"pg: resuming {s.Run} up to {config.Steps:N0} steps");
        if (!Interrupts.TryRun(s.Deterministic ? " --deterministic" : "", cancel => Progress($"{config.Algorithm} {config.TaskId}", config.Steps, s.Quiet, s.LogEvery,
            onStep => LanguageRunner.Resume(s.Run, s.Steps, Session(device, onStep, cancel))), out var result)) return Interrupts.ExitCode;
        Report(result);
        return ExitCodes.Success;
    });

    public static int Eval(EvalCommand.Settings s) => RunLayerErrors.Guard(() =>
    {
        int count = s.Problems ?? 500;
        string split = s.Split ?? "heldout";
        double temperature = s.Temperature ?? 1.0;
        if (count < 1) throw new UsageException($"--problems must be at least 1, got {count}");
        if (s.Samples is int k && k < 1) throw new UsageException($"--samples must be at least 1, got {k}");
        var device = TorchSetup.Apply(1, false, s.Device);
        var warnings = new List<string>();
        var location = LanguageCheckpoint.Locate(s.Path, warnings);
        foreach (string w in warnings) Console.Error.WriteLine($"pg: warning: {w}");
        LanguageRunConfig? config = location.RunConfig is string rc ? LanguageRunConfig.FromRunConfig(rc) : null;
        string taskId = s.Task ?? config?.TaskId ?? throw new UsageException($"{s.Path} is a Hugging Face folder without a run configuration: name the task with --task <TASK-ID>");
        var task = LanguageTasks.Create(taskId, config is not null && string.Equals(config.TaskId, taskId, StringComparison.OrdinalIgnoreCase) ? config.Run.Task : null);
        using var policy = LanguageCheckpoint.LoadPolicy(location);
        policy.to(device);
        var problems = LanguageEvaluation.Problems(task, split, count, s.Seed ?? 0);
        if (config is not null && !string.Equals(config.TaskId, task.Id, StringComparison.OrdinalIgnoreCase))
            CheckOtherTask(s.Path, config.TaskId, task, policy.Config);
        var r = LanguageEvaluation.Evaluate(policy, task, new CharTokenizer(), problems, s.Samples, temperature, s.Seed ?? 0);
        if (s.Json)
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?> { ["accuracy"] = r.Accuracy, ["pass_at_k"] = r.PassAtK, ["k"] = r.K, ["problems"] = r.Problems }));
        else
        {
            string pass = r.PassAtK is double p ? string.Create(CultureInfo.InvariantCulture, $"; pass@{r.K} {p:P1} (temperature {temperature:0.##})") : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{task.Id}: greedy accuracy {r.Accuracy:P1} on {r.Problems} {split} problems{pass} (checkpoint {location.ModelDir})"));
        }
        return ExitCodes.Success;
    });

    /// <summary>
    /// --task naming another task than the run's: refused when the model cannot read it (another
    /// vocabulary, or prompts plus answers longer than its positions); otherwise a warning, since the
    /// model was not trained for it.
    /// </summary>
    static void CheckOtherTask(string path, string trainedOn, Language.Tasks.VerifiableTask task, Language.Model.TransformerConfig model)
    {
        var tokenizer = new CharTokenizer();
        if (model.VocabularySize != tokenizer.VocabularySize)
            throw new UsageException($"--task {task.Id}: {path} was trained on {trainedOn} with a vocabulary of {model.VocabularySize} tokens, not the character tokenizer's {tokenizer.VocabularySize}; it cannot read {task.Id}");
        int longest = RunPreflight.LongestPrompt(task) + task.MaxCompletionLength;
        if (model.Positions == Language.Model.PositionKind.Learned && longest > model.MaxPositions)
            throw new UsageException($"--task {task.Id}: {path} was trained on {trainedOn} and holds {model.MaxPositions} positions; {task.Id} problems need up to {longest} (prompt + answer); evaluate it on {trainedOn}");
        Console.Error.WriteLine($"pg: warning: --task {task.Id}: {path} was trained on {trainedOn}; evaluating it on {task.Id} (same character tokenizer), so expect a low accuracy");
    }

    /// <summary>The trainer step a language checkpoint was written at (its manifest's "step" value).</summary>
    static long StepOf(Training.Checkpoints.CheckpointManifest m) =>
        m.Values.TryGetValue("step", out string? v) && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long step) ? step : m.NumUpdates;

    static LanguageRunSession Session(TorchSharp.torch.Device device, Action<LanguageStepRecord> onStep, CancellationToken cancel) =>
        new() { Device = device, OnStep = onStep, Warn = w => Console.Error.WriteLine($"pg: warning: {w}"), Cancellation = cancel };

    static void Report(LanguageRunResult r) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"done: {r.Steps:N0} steps, held-out greedy accuracy {(double.IsFinite(r.HeldOutAccuracy) ? r.HeldOutAccuracy.ToString("P1", CultureInfo.InvariantCulture) : "-")}\nrun folder: {r.RunDir}\nfinal checkpoint: {r.FinalCheckpoint}"));

    /// <summary>A progress bar (step, reward mean or loss, accuracy) on a terminal; plain lines with --quiet or redirected output.</summary>
    static T Progress<T>(string label, int totalSteps, bool quiet, int logEvery, Func<Action<LanguageStepRecord>, T> body)
    {
        int every = logEvery > 0 ? logEvery : Math.Max(1, totalSteps / 50);
        double accuracy = double.NaN;
        string Describe(LanguageStepRecord r)
        {
            if (r.HeldOutAccuracy is double a) accuracy = a;
            double reward = r.Get("reward_mean");
            string main = double.IsNaN(reward) ? $"loss {Fmt(r.Get("loss"), "0.0000")}" : $"reward {Fmt(reward, "0.000")}  acc {Fmt(r.Get("accuracy"), "0.000")}";
            return string.Create(CultureInfo.InvariantCulture, $"{main}  held-out {Fmt(accuracy, "P1")}");
        }
        if (quiet || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
            return body(r =>
            {
                string text = Describe(r);
                if (r.Step % every == 0 || r.Step == r.TotalSteps || r.HeldOutAccuracy is not null && r.Step % every == 0)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{label}] step {r.Step}/{r.TotalSteps}  {text}  {r.WallSeconds:0}s"));
            });
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(label), maxValue: totalSteps);
                result = body(r =>
                {
                    task.Value = Math.Min(r.Step, totalSteps);
                    task.Description = Markup.Escape($"{label}  step {r.Step}  {Describe(r)}");
                });
            });
        return result;
    }

    static string Fmt(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
