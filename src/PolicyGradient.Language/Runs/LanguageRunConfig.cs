using System.Text;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using PolicyGradient.Training.Configuration;

namespace PolicyGradient.Language.Runs;

/// <summary>
/// A resolved, validated language-model run configuration: the run layer's one
/// <see cref="ResolvedConfig"/> (<see cref="Config"/>, kind <see cref="Kind"/>: task_id,
/// <see cref="LanguageRunOptions"/>) seen with typed language accessors, resolved by the one
/// <see cref="ConfigResolver"/>: record defaults &lt; the
/// algorithm's definition (<see cref="LanguageAlgorithms.Options"/>) &lt; preset (any task, then the
/// task) &lt; the --init checkpoint's model &lt; --config file &lt; --set &lt; command-line shorthands.
/// Keys: the run's (<see cref="LanguageRunOptions"/>: <c>model.*</c>, <c>task.*</c>, <c>eval_every</c>, ...)
/// and the trainer's (<see cref="SftOptions"/> for sft, <see cref="GroupTrainerOptions"/> otherwise),
/// all snake_case property names found by reflection.
/// </summary>
public sealed class LanguageRunConfig
{
    /// <summary>Language-task configurations: task_id, <see cref="LanguageRunOptions"/>; steps, evaluation and checkpoint cadence may change on resume.</summary>
    public static ConfigKind Kind { get; } = new("task_id", typeof(LanguageRunOptions),
        new HashSet<string>(StringComparer.Ordinal) { "steps", "checkpoint_every", "checkpoint_minutes", "keep_checkpoints", "eval_every", "eval_problems", "stop_accuracy_threshold", "env_assemblies" },
        "defaults < algorithm < preset < --init model < --config < --set", TargetIgnoresCase: true);

    LanguageRunConfig(ResolvedConfig config) => Config = config;

    /// <summary>A configuration of known parts (a trainer being saved); validate it by writing it and reading it back with <see cref="FromRunConfig"/>.</summary>
    internal static LanguageRunConfig Of(string algorithm, string taskId, LanguageRunOptions run, object options) => new(new ResolvedConfig(Kind, algorithm, taskId, run, options));

    /// <summary>The resolved configuration (the run layer's one type).</summary>
    public ResolvedConfig Config { get; }

    /// <summary>"sft" or a name of <see cref="LanguageAlgorithms.Names"/>, lower case.</summary>
    public string Algorithm => Config.Algorithm;

    /// <summary>Registered task id.</summary>
    public string TaskId => Config.TargetId;

    /// <summary>Run keys (model, task kwargs, evaluation, checkpoints, init).</summary>
    public LanguageRunOptions Run => (LanguageRunOptions)Config.RunOptions;

    /// <summary>The trainer's options: <see cref="SftOptions"/> or <see cref="GroupTrainerOptions"/>.</summary>
    public object Options => Config.Options;

    /// <summary>True for supervised fine-tuning.</summary>
    public bool IsSft => Algorithm == "sft";

    /// <summary>Steps of the run (the trainer options' <c>steps</c>).</summary>
    public int Steps => Options is SftOptions s ? s.Steps : ((GroupTrainerOptions)Options).Steps;

    /// <summary>Seed of the run (the trainer options' <c>seed</c>): weight init, problem stream, sampler.</summary>
    public long Seed => Options is SftOptions s ? s.Seed : ((GroupTrainerOptions)Options).Seed;

    /// <summary>Seed of fresh initial weights: <c>model_seed</c> when set (≥ 0), otherwise the run's <see cref="Seed"/> (<c>--seed</c>).</summary>
    public long InitialWeightsSeed => Run.ModelSeed >= 0 ? Run.ModelSeed : Seed;

    /// <summary>Every key with its canonical value text, run keys first.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Entries => Config.Entries;

    /// <summary>Every key of an options record with its canonical value text, in declaration order.</summary>
    internal static List<KeyValuePair<string, string>> Describe(object options) => ConfigBinder.Describe(options);

    /// <summary>SHA-256 of everything that shapes the trained state (not steps, eval or checkpoint cadence).</summary>
    public string Hash => Config.Hash;

    /// <summary>The configuration as YAML (every key, defaults included); read back with --config it gives the same run.</summary>
    public string ToYaml() => Config.ToYaml();

    /// <summary>Resolves and validates; every problem is listed at once.</summary>
    /// <param name="algorithm">sft or a language algorithm name.</param>
    /// <param name="taskId">Task id (case-insensitive).</param>
    /// <param name="configFile">Optional YAML file.</param>
    /// <param name="setFlags">--set key=value flags.</param>
    /// <param name="overrides">Highest layer (command-line shorthands such as --steps, --seed, --init), may be null.</param>
    /// <param name="initModel">The --init checkpoint's model shape: it replaces the preset's <c>model.*</c>; a different value from --config or --set is an error.</param>
    /// <param name="usePreset">False when reading back a run's own config.yaml.</param>
    /// <exception cref="ConfigurationException">Unknown keys (with the closest), wrong types, out-of-range or inconsistent values.</exception>
    /// <exception cref="ArgumentException">Unknown algorithm or task.</exception>
    public static LanguageRunConfig Resolve(string algorithm, string taskId, string? configFile, IEnumerable<string> setFlags,
        ConfigLayer? overrides = null, TransformerConfig? initModel = null, bool usePreset = true)
    {
        string algo = algorithm.ToLowerInvariant();
        if (!LanguageAlgorithms.IsLanguageAlgorithm(algo))
            throw new ArgumentException($"unknown language algorithm '{algorithm}'; known: sft, {string.Join(", ", LanguageAlgorithms.Names)}");
        string task = LanguageTasks.Canonical(taskId);
        var layers = new List<ConfigLayer>();
        if (algo != "sft") layers.Add(AlgorithmLayer(algo));
        if (usePreset) layers.AddRange(LanguagePresets.Find(algo, task));
        ConfigLayer? initLayer = initModel is null ? null : ModelLayer(initModel, "--init checkpoint");
        if (initLayer is not null) layers.Add(initLayer);
        var optionsType = algo == "sft" ? typeof(SftOptions) : typeof(GroupTrainerOptions);
        var config = ConfigResolver.Resolve(Kind, algo, task, optionsType, layers, configFile, setFlags, overrides,
            (c, sources) => Problems(c, sources, initModel, initLayer?.Source));
        return new LanguageRunConfig(config);
    }

    /// <summary>The rules binding cannot check: the tokenizer's vocabulary, the model's shape, the trainer's rules, the task's arguments, a model key differing from the --init checkpoint's.</summary>
    static List<string> Problems(ResolvedConfig config, IReadOnlyList<(string Key, string Source)> sources, TransformerConfig? initModel, string? initSource)
    {
        var problems = new List<string>();
        var run = (LanguageRunOptions)config.RunOptions;
        int vocabulary = new CharTokenizer().VocabularySize;
        if (run.Model.VocabularySize != vocabulary)
            problems.Add($"model.vocabulary_size: {run.Model.VocabularySize} does not match the character tokenizer's {vocabulary}; leave it out");
        Check(problems, "model", () => run.Model.Validate());
        if (config.Options is GroupTrainerOptions g) Check(problems, "", g.Validate);
        if (config.Options is SftOptions sft) Check(problems, "", sft.Validate);
        Check(problems, "", () => LanguageTasks.Create(config.TargetId, run.Task));
        if (initModel is null) return problems;
        foreach (var (key, source) in sources)
            if (key.StartsWith("model.", StringComparison.Ordinal) && !source.StartsWith("preset", StringComparison.Ordinal) && source != initSource)
            {
                string mine = ConfigBinder.Describe(run).First(e => e.Key == key).Value;
                string theirs = ConfigBinder.Describe(new LanguageRunOptions { Model = initModel }).First(e => e.Key == key).Value;
                if (mine != theirs)
                    problems.Add($"{key}: {mine} (from {source}) differs from the --init checkpoint's {theirs}; the model's shape comes from the checkpoint, drop the key");
            }
        return problems;
    }

    /// <summary>Reads a run folder's config.yaml back (no preset: the file is complete).</summary>
    /// <exception cref="ConfigurationException">Missing or invalid file.</exception>
    public static LanguageRunConfig FromRunConfig(string configYamlPath, ConfigLayer? overrides = null)
    {
        if (!File.Exists(configYamlPath)) throw new ConfigurationException([$"{configYamlPath}: not found (is this a run folder made by pg train?)"]);
        var (algo, task) = ReadIdentity(configYamlPath) ?? throw new ConfigurationException([$"{configYamlPath}: missing 'algorithm' or 'task_id'"]);
        return Resolve(algo, task, configYamlPath, [], overrides, usePreset: false);
    }

    /// <summary>The algorithm and task id of a language run's config.yaml, or null when it has no task_id (a classic run).</summary>
    public static (string Algorithm, string TaskId)? ReadIdentity(string configYamlPath) => ConfigResolver.ReadIdentity(configYamlPath, Kind.TargetKey);

    /// <summary>The keys with which <see cref="LanguageAlgorithms.Options"/> defines the algorithm (those differing from the record defaults).</summary>
    static ConfigLayer AlgorithmLayer(string algo)
    {
        var defaults = ConfigBinder.Describe(new GroupTrainerOptions()).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        var defined = ConfigBinder.Describe(LanguageAlgorithms.Options(algo, new GroupTrainerOptions())).Where(e => defaults[e.Key] != e.Value);
        return ConfigLayer.FromEntries($"algorithm {algo}", defined);
    }

    static ConfigLayer ModelLayer(TransformerConfig model, string source) =>
        ConfigLayer.FromEntries(source, ConfigBinder.Describe(new LanguageRunOptions { Model = model }).Where(e => e.Key.StartsWith("model.", StringComparison.Ordinal)));

    static void Check(List<string> problems, string prefix, Action validate)
    {
        try { validate(); }
        catch (ArgumentException e) { problems.Add(prefix.Length > 0 ? $"{prefix}: {e.Message}" : e.Message); }
    }
}
