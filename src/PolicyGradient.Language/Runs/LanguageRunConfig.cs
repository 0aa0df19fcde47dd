using System.Text;
using PolicyGradient.Language.Model;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Language.Training;
using PolicyGradient.Training.Configuration;

namespace PolicyGradient.Language.Runs;

/// <summary>
/// A resolved, validated language-model run configuration, through the classic configuration
/// machinery (<see cref="ConfigLayer"/>, <see cref="ConfigBinder"/>): record defaults &lt; the
/// algorithm's definition (<see cref="LanguageAlgorithms.Options"/>) &lt; preset (any task, then the
/// task) &lt; the --init checkpoint's model &lt; --config file &lt; --set &lt; command-line shorthands.
/// Keys: the run's (<see cref="LanguageRunOptions"/>: <c>model.*</c>, <c>task.*</c>, <c>eval_every</c>, ...)
/// and the trainer's (<see cref="SftOptions"/> for sft, <see cref="GroupTrainerOptions"/> otherwise),
/// all snake_case property names found by reflection.
/// </summary>
public sealed class LanguageRunConfig
{
    static readonly string[] IdentityKeys = ["algorithm", "task_id"];
    static readonly HashSet<string> HashExcluded =
        new(StringComparer.Ordinal) { "steps", "checkpoint_every", "checkpoint_minutes", "keep_checkpoints", "eval_every", "eval_problems", "stop_accuracy_threshold", "env_assemblies" };

    LanguageRunConfig(string algorithm, string taskId, LanguageRunOptions run, object options)
    {
        Algorithm = algorithm; TaskId = taskId; Run = run; Options = options;
    }

    /// <summary>A configuration of known parts (a trainer being saved); validate it by writing it and reading it back with <see cref="FromRunConfig"/>.</summary>
    internal static LanguageRunConfig Of(string algorithm, string taskId, LanguageRunOptions run, object options) => new(algorithm, taskId, run, options);

    /// <summary>"sft" or a name of <see cref="LanguageAlgorithms.Names"/>, lower case.</summary>
    public string Algorithm { get; }

    /// <summary>Registered task id.</summary>
    public string TaskId { get; }

    /// <summary>Run keys (model, task kwargs, evaluation, checkpoints, init).</summary>
    public LanguageRunOptions Run { get; }

    /// <summary>The trainer's options: <see cref="SftOptions"/> or <see cref="GroupTrainerOptions"/>.</summary>
    public object Options { get; }

    /// <summary>True for supervised fine-tuning.</summary>
    public bool IsSft => Algorithm == "sft";

    /// <summary>Steps of the run (the trainer options' <c>steps</c>).</summary>
    public int Steps => Options is SftOptions s ? s.Steps : ((GroupTrainerOptions)Options).Steps;

    /// <summary>Seed of the run (the trainer options' <c>seed</c>): weight init, problem stream, sampler.</summary>
    public long Seed => Options is SftOptions s ? s.Seed : ((GroupTrainerOptions)Options).Seed;

    /// <summary>Every key with its canonical value text, run keys first.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Entries => [.. ConfigBinder.Describe(Run), .. ConfigBinder.Describe(Options)];

    /// <summary>Every key of an options record with its canonical value text, in declaration order.</summary>
    internal static List<KeyValuePair<string, string>> Describe(object options) => ConfigBinder.Describe(options);

    /// <summary>SHA-256 of everything that shapes the trained state (not steps, eval or checkpoint cadence).</summary>
    public string Hash
    {
        get => ResolvedConfig.HashOf([new("algorithm", Algorithm), new("task_id", TaskId)], Entries, HashExcluded);
    }

    /// <summary>The configuration as YAML (every key, defaults included); read back with --config it gives the same run.</summary>
    public string ToYaml()
    {
        var sb = new StringBuilder();
        sb.Append("# Fully resolved configuration (defaults < algorithm < preset < --init model < --config < --set).\n");
        sb.Append($"# Reproduce with: pg train {Algorithm} {TaskId} --config config.yaml\n");
        sb.Append("algorithm: ").Append(Algorithm).Append('\n');
        sb.Append("task_id: ").Append(TaskId).Append('\n');
        sb.Append("# run\n");
        ResolvedConfig.AppendNested(sb, ConfigBinder.Describe(Run));
        sb.Append($"# {Algorithm} options\n");
        ResolvedConfig.AppendNested(sb, ConfigBinder.Describe(Options));
        return sb.ToString();
    }

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
        var optionsType = algo == "sft" ? typeof(SftOptions) : typeof(GroupTrainerOptions);
        var layers = new List<ConfigLayer>();
        if (algo != "sft") layers.Add(AlgorithmLayer(algo));
        if (usePreset) layers.AddRange(LanguagePresets.Find(algo, task));
        ConfigLayer? initLayer = initModel is null ? null : ModelLayer(initModel, "--init checkpoint");
        if (initLayer is not null) layers.Add(initLayer);
        var problems = new List<string>();
        if (configFile is not null)
        {
            layers.Add(StripIdentity(ConfigLayer.FromYamlFile(configFile, $"--config {configFile}"), algo, task, problems));
        }
        layers.Add(ConfigLayer.FromSetFlags(setFlags));
        if (overrides is not null) layers.Add(overrides);
        var merged = ConfigBinder.Merge(layers);
        var bound = ConfigBinder.BindMany([typeof(LanguageRunOptions), optionsType], merged, problems);
        var run = (LanguageRunOptions)bound[0];
        int vocabulary = new CharTokenizer().VocabularySize;
        if (run.Model.VocabularySize != vocabulary)
            problems.Add($"model.vocabulary_size: {run.Model.VocabularySize} does not match the character tokenizer's {vocabulary}; leave it out");
        Check(problems, "model", () => run.Model.Validate());
        if (bound[1] is GroupTrainerOptions g) Check(problems, "", g.Validate);
        Check(problems, "", () => LanguageTasks.Create(task, run.Task));
        if (initModel is not null)
            foreach (var (key, node, source) in merged)
                if (key.StartsWith("model.", StringComparison.Ordinal) && !source.StartsWith("preset", StringComparison.Ordinal) && source != initLayer!.Source)
                {
                    string mine = ConfigBinder.Describe(run).First(e => e.Key == key).Value;
                    string theirs = ConfigBinder.Describe(new LanguageRunOptions { Model = initModel }).First(e => e.Key == key).Value;
                    if (mine != theirs)
                        problems.Add($"{key}: {mine} (from {source}) differs from the --init checkpoint's {theirs}; the model's shape comes from the checkpoint, drop the key");
                }
        if (problems.Count > 0) throw new ConfigurationException(problems);
        return new LanguageRunConfig(algo, task, run, bound[1]);
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
    public static (string Algorithm, string TaskId)? ReadIdentity(string configYamlPath)
    {
        if (!File.Exists(configYamlPath)) return null;
        string? algo = null, task = null;
        foreach (var (k, v) in ConfigLayer.FromYaml(File.ReadAllText(configYamlPath), configYamlPath).Entries)
        {
            if (k == "algorithm") algo = ConfigValues.Show(v);
            if (k == "task_id") task = ConfigValues.Show(v);
        }
        return algo is null || task is null ? null : (algo, task);
    }

    /// <summary>The keys with which <see cref="LanguageAlgorithms.Options"/> defines the algorithm (those differing from the record defaults).</summary>
    static ConfigLayer AlgorithmLayer(string algo)
    {
        var defaults = ConfigBinder.Describe(new GroupTrainerOptions()).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        var defined = ConfigBinder.Describe(LanguageAlgorithms.Options(algo, new GroupTrainerOptions())).Where(e => defaults[e.Key] != e.Value).ToList();
        var sb = new StringBuilder();
        ResolvedConfig.AppendNested(sb, defined);
        return ConfigLayer.FromYaml(sb.ToString(), $"algorithm {algo}");
    }

    static ConfigLayer ModelLayer(TransformerConfig model, string source)
    {
        var sb = new StringBuilder();
        ResolvedConfig.AppendNested(sb, ConfigBinder.Describe(new LanguageRunOptions { Model = model }).Where(e => e.Key.StartsWith("model.", StringComparison.Ordinal)).ToList());
        return ConfigLayer.FromYaml(sb.ToString(), source);
    }

    static ConfigLayer StripIdentity(ConfigLayer file, string algorithm, string taskId, List<string> problems)
    {
        var kept = new ConfigLayer(file.Source);
        foreach (var (k, v) in file.Entries)
        {
            if (k == ConfigResolver.ResolvedBackendKey) continue;
            if (!IdentityKeys.Contains(k)) { kept.Set(k, v); continue; }
            string given = ConfigValues.Show(v), expected = k == "algorithm" ? algorithm : taskId;
            if (!string.Equals(given, expected, StringComparison.OrdinalIgnoreCase))
                problems.Add($"{k}: the config file is for '{given}' but the command line says '{expected}' ({file.Source})");
        }
        return kept;
    }

    static void Check(List<string> problems, string prefix, Action validate)
    {
        try { validate(); }
        catch (ArgumentException e) { problems.Add(prefix.Length > 0 ? $"{prefix}: {e.Message}" : e.Message); }
    }
}
