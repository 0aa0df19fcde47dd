using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Training.Configuration;
using PolicyGradient.Core;

namespace PolicyGradient.Language.Runs;

/// <summary>
/// Run-level keys of a language-model run (<c>pg train sft|grpo|... &lt;task&gt;</c>), bound from the
/// same YAML/--set namespace as the trainer's options (<see cref="Training.SftOptions"/> or
/// <see cref="Training.GroupTrainerOptions"/>, whose <c>steps</c> and <c>seed</c> are the run's).
/// </summary>
public sealed record LanguageRunOptions
{
    /// <summary>The policy's shape (<c>model.layers</c>, <c>model.width</c>, ...); the vocabulary comes from the tokenizer.</summary>
    public TransformerConfig Model { get; init; } = new() { VocabularySize = new CharTokenizer().VocabularySize };

    /// <summary>Task keyword arguments, e.g. <c>task.digits: 3</c> for Addition-v0.</summary>
    public Dictionary<string, object> Task { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Held-out greedy accuracy every this many steps (and always after the last); 0 = only after the last.</summary>
    [ConfigRange(0, int.MaxValue)]
    public int EvalEvery { get; init; }

    /// <summary>Held-out problems per evaluation.</summary>
    [ConfigRange(1, 100_000)]
    public int EvalProblems { get; init; } = 200;

    /// <summary>Stop once the held-out accuracy (measured every <c>eval_every</c> steps) reaches this; null = never. Not part of the configuration hash.</summary>
    [ConfigRange(0, 1)]
    public double? StopAccuracyThreshold { get; init; }

    /// <summary>Checkpoint period in steps; 0 = about every 10% of the run.</summary>
    [ConfigRange(0, int.MaxValue)]
    public int CheckpointEvery { get; init; }

    /// <summary>Also checkpoint when this many minutes of wall time passed since the last checkpoint (after the current step); 0 = by steps only.</summary>
    [ConfigRange(0, 1_000_000)]
    public double CheckpointMinutes { get; init; } = 10;

    /// <summary>Periodic checkpoints (step-N folders) kept; <c>final</c> is always kept.</summary>
    [ConfigRange(1, 1_000_000)]
    public int KeepCheckpoints { get; init; } = 3;

    /// <summary>Seed of the fresh initial weights; -1 = the run's seed. Kept apart from the data/sampling seed because a
    /// small model's SFT curve depends strongly on its initial weights (docs/results-language.md), so a recipe can pin them.</summary>
    [ConfigRange(-1, long.MaxValue)]
    public long ModelSeed { get; init; } = -1;
    /// <summary>Plug-in assemblies (full paths) that register the run's task, recorded from <c>pg train --env-assembly</c>
    /// so that <c>pg resume</c> and <c>pg eval</c> load them again; not part of the configuration hash.</summary>
    public string[] EnvAssemblies { get; init; } = [];

    /// <summary>Starting weights (a run, checkpoint or Hugging Face folder; set by --init); empty = fresh weights from the seed.</summary>
    public string Init { get; init; } = "";
}
