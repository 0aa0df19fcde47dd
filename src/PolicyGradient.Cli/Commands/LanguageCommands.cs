using System.Globalization;
using System.Text.Json;
using PolicyGradient.Language.Runs;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Training;
using PolicyGradient.Training.Configuration;
using Spectre.Console;
using TorchSharp;

namespace PolicyGradient.Cli.Commands;

/// <summary>The language-model side of <c>pg eval</c>: greedy accuracy and pass@k on a task's problems (train and resume go through <see cref="RunKind"/>).</summary>
internal static class LanguageCommands
{
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
}
