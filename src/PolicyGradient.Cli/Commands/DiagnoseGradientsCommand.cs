using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using PolicyGradient.Cli.Options;
using PolicyGradient.Diagnostics;
using PolicyGradient.Training;
using Spectre.Console.Cli;

namespace PolicyGradient.Cli.Commands;

/// <summary>
/// `pg diagnose gradients &lt;run-or-checkpoint&gt;`: the variance, signal-to-noise ratio and bias of each
/// policy-gradient estimator at the run's policy (docs/variance.md).
/// </summary>
public sealed class DiagnoseGradientsCommand : Command<DiagnoseGradientsCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : Plugins.PluginSettings
    {
        /// <summary>Run or checkpoint folder.</summary>
        [CommandArgument(0, "<run-or-checkpoint>")][Description("An on-policy run folder (its newest complete checkpoint) or a checkpoints/<name> folder.")]
        public string Path { get; init; } = "";

        /// <summary>Estimators.</summary>
        [CommandOption("--estimators <LIST>")][Description("Comma-separated: mc, mc-mean, mc-value, gae:<lambda>, optimal, is:<k>, is-traj:<k> (default mc,mc-mean,mc-value,optimal,gae:1,gae:0.95,gae:0.8). is:<k> plays its batches with the run's checkpoint k updates earlier (checkpoint every rollout to have it). Language runs: group estimators grpo, drgrpo, rloo, remax, reinforce_plus_plus, opo, bnpo, grpo_passk (default all).")]
        public string? Estimators { get; init; }

        /// <summary>K.</summary>
        [CommandOption("--batches <K>")][Description("Independent batches per estimator, the same batches for every estimator (default 32).")]
        [TypeConverter(typeof(SmallCountConverter<int>))]
        public int? Batches { get; init; }

        /// <summary>N.</summary>
        [CommandOption("--batch-size <N>")][Description("Environment steps per batch, whole episodes (default 2048).")]
        [TypeConverter(typeof(SmallCountConverter<int>))]
        public int? BatchSize { get; init; }

        /// <summary>R.</summary>
        [CommandOption("--reference-batches <R>")][Description("Batches of the gae:1 estimator averaged into the reference gradient (default 32).")]
        [TypeConverter(typeof(SmallCountConverter<int>))]
        public int? ReferenceBatches { get; init; }

        /// <summary>Seed.</summary>
        [CommandOption("--seed <S>")][Description("Seed of the first batch (default 0).")]
        [TypeConverter(typeof(IntegerConverter<int>))]
        public int? Seed { get; init; }

        /// <summary>CSV file.</summary>
        [CommandOption("--csv <FILE>")][Description("Also write the table to this CSV file.")]
        public string? Csv { get; init; }

        /// <summary>Plot file.</summary>
        [CommandOption("--plot <FILE>")][Description("Also draw log10 total variance per estimator with its 95% interval (.png, .jpg or .svg).")]
        public string? Plot { get; init; }

        /// <summary>Group sizes (language runs).</summary>
        [CommandOption("--group-sizes <LIST>")][Description("Language runs: comma-separated group sizes, each >= 2 (default 2,4,8,16); every size uses the first G responses of the same groups.")]
        public string? GroupSizes { get; init; }

        /// <summary>Prompts per batch (language runs).</summary>
        [CommandOption("--prompts <P>")][Description("Language runs: prompts per batch (default 8).")]
        [TypeConverter(typeof(SmallCountConverter<int>))]
        public int? Prompts { get; init; }

        /// <summary>Bootstrap resamples.</summary>
        [CommandOption("--bootstrap <N>")][Description("Resamples of the 95% percentile-bootstrap intervals over the K batches for total variance and cosine to the reference (default 1000; 0 = none). Language runs: default 0; N > 0 keeps every estimate as floats, K x parameters x 4 bytes per estimator and group size.")]
        [TypeConverter(typeof(IntegerConverter<int>))]
        public int? Bootstrap { get; init; }

        /// <summary>JSON lines.</summary>
        [CommandOption("--json")][Description("Print one JSON object per estimator: {\"estimator\":..,\"total_variance\":..,\"gsnr\":..,\"cosine_to_reference\":..,\"mse_to_reference\":..}.")]
        public bool Json { get; init; }
    }

    static readonly string[] Columns = ["estimator", "total_variance", "total_variance_low", "total_variance_high", "gsnr", "cosine_to_reference", "cosine_low", "cosine_high", "mse_to_reference", "mean_norm", "ess"];

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken) => RunLayerErrors.Guard(() =>
    {
        if (Language.Runs.LanguageCheckpoint.IsLanguagePath(s.Path)) return DiagnoseGroupGradients.Execute(s);
        Plugins.PluginLoader.LoadForRun(s.EnvAssemblies, s.Path);
        var options = Options(s);
        if (s.Plot is { } p && Path.GetExtension(p).ToLowerInvariant() is not (".png" or ".jpg" or ".jpeg" or ".svg"))
            throw new UsageException($"--plot {p}: unsupported image type; use a .png, .jpg or .svg file name");
        var device = TorchSetup.Apply(1, false, "cpu");
        var (algorithm, config, checkpoint) = RunLoader.Load(s.Path, device, w => Console.Error.WriteLine($"pg: warning: {w}"));
        using (algorithm)
        {
            GradientDiagnosisReport report;
            try
            {
                options = options with { Behaviours = Behaviours(options, algorithm, config, checkpoint, device) };
                report = GradientDiagnosis.Run(algorithm, config.EnvId, config.Run.EnvKwargs, options,
                    s.Json ? null : line => Console.Error.Write($"\r{line}        "));
            }
            catch (NotSupportedException e) { throw new UsageException($"{checkpoint}: {e.Message}"); }
            if (!s.Json) Console.Error.WriteLine();
            if (s.Csv is { } csv) WriteCsv(csv, report);
            if (s.Plot is { } plot) GradientDiagnosisPlot.Save(report, $"{config.Algorithm} {config.EnvId}: policy-gradient estimators", plot);
            if (s.Json) foreach (var row in report.Estimators) Console.WriteLine(DiagnosisJson.Line(Values(row)));
            else Print(report, config.Algorithm, config.EnvId, checkpoint, options);
        }
        return ExitCodes.Success;
    });

    static GradientDiagnosisOptions Options(Settings s)
    {
        IReadOnlyList<GradientEstimatorSpec> estimators;
        try { estimators = GradientEstimatorSpec.ParseList(s.Estimators ?? GradientEstimatorSpec.DefaultList); }
        catch (ArgumentException e) { throw new UsageException($"--estimators: {e.Message}"); }
        var options = new GradientDiagnosisOptions { Estimators = estimators };
        if (s.Batches is int k) options = options with { Batches = k >= 2 ? k : throw new UsageException($"--batches must be at least 2 (a variance needs two batches), got {k}") };
        if (s.BatchSize is int n) options = options with { BatchSize = n >= 1 ? n : throw new UsageException($"--batch-size must be at least 1, got {n}") };
        if (s.ReferenceBatches is int r) options = options with { ReferenceBatches = r >= 1 ? r : throw new UsageException($"--reference-batches must be at least 1, got {r}") };
        if (s.Seed is int seed) options = options with { Seed = seed };
        if (s.Bootstrap is int b) options = options with { Bootstrap = b >= 0 ? b : throw new UsageException($"--bootstrap must be at least 0 (0: no intervals), got {b}") };
        return options;
    }

    // is:<k>'s behaviour: the checkpoint k rollouts (n_steps × n_envs steps each) before the diagnosed one.
    static Dictionary<int, float[]> Behaviours(GradientDiagnosisOptions options, Core.IAlgorithm algorithm, Training.Configuration.ResolvedConfig config,
        string checkpoint, TorchSharp.torch.Device device)
    {
        var behaviours = new Dictionary<int, float[]>();
        var lags = options.Estimators.Where(e => e.Kind == GradientEstimatorKind.ImportanceSampled && e.Lag > 0).Select(e => e.Lag).Distinct().ToList();
        if (lags.Count == 0) return behaviours;
        if (config.Options is not Algorithms.OnPolicyOptions onPolicy) throw new UsageException($"is:<k> needs an on-policy run, not {config.Algorithm}");
        long rollout = (long)onPolicy.NSteps * onPolicy.NEnvs;
        string folder = Path.GetDirectoryName(checkpoint)!;
        foreach (int k in lags)
        {
            long steps = algorithm.NumTimesteps - k * rollout;
            string older = Path.Combine(folder, Training.Checkpoints.CheckpointStore.StepName(steps));
            if (steps <= 0 || !Directory.Exists(older))
                throw new UsageException($"is:{k} needs the checkpoint {k} updates before {Path.GetFileName(checkpoint)} ({Training.Checkpoints.CheckpointStore.StepName(Math.Max(steps, 0))}), which {folder} does not hold; train with --set checkpoint_every={rollout} and keep_checkpoints>={k + 1}");
            var (behaviour, _, _) = RunLoader.Load(older, device);
            using (behaviour) behaviours[k] = GradientDiagnosis.PolicyParameters(behaviour);
        }
        return behaviours;
    }

    static Dictionary<string, object> Values(EstimatorDiagnosis row)
    {
        var values = new Dictionary<string, object>
        {
            ["estimator"] = row.Estimator, ["total_variance"] = row.TotalVariance, ["gsnr"] = row.SignalToNoise,
            ["cosine_to_reference"] = row.CosineToReference, ["mse_to_reference"] = row.MseToReference, ["mean_norm"] = row.MeanNorm,
        };
        // Interval ends are left out when there are none (--bootstrap 0; a cosine whose resampled means were all 0): JSON has no NaN.
        if (!double.IsNaN(row.TotalVarianceLow)) (values["total_variance_low"], values["total_variance_high"]) = (row.TotalVarianceLow, row.TotalVarianceHigh);
        if (!double.IsNaN(row.CosineInterval.Low)) (values["cosine_low"], values["cosine_high"]) = (row.CosineInterval.Low, row.CosineInterval.High);
        if (row.EffectiveSampleSize is double ess) values["ess"] = ess;
        return values;
    }

    static string Number(object value) => value is double d ? d.ToString("R", CultureInfo.InvariantCulture) : value.ToString()!;

    static void WriteCsv(string path, GradientDiagnosisReport report)
    {
        var text = new StringBuilder().AppendLine(string.Join(",", Columns));
        foreach (var row in report.Estimators)
        {
            var values = Values(row);
            text.AppendLine(string.Join(",", Columns.Select(c => values.TryGetValue(c, out var v) ? Number(v) : "")));
        }
        File.WriteAllText(path, text.ToString());
    }

    static void Print(GradientDiagnosisReport r, string algorithm, string envId, string checkpoint, GradientDiagnosisOptions o)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"{algorithm} {envId}, checkpoint {checkpoint}"));
        Console.WriteLine(string.Create(inv, $"{o.Batches} batches of {r.MeanBatchSteps:0} steps (mean episode return {r.MeanEpisodeReturn:0.##}); reference: gae:1 over {r.ReferenceSteps} steps, |g*| {r.ReferenceNorm:G4}; {r.Parameters} parameters; {r.Seconds:0.0} s"));
        Console.WriteLine(string.Create(inv, $"{"estimator",-10} {"total variance",14} {"95% interval",23} {"GSNR",10} {"cos(g*)",8} {"95% interval",17} {"MSE to g*",11} {"|mean|",10}"));
        foreach (var e in r.Estimators)
            Console.WriteLine(string.Create(inv, $"{e.Estimator,-10} {e.TotalVariance,14:G4} {$"[{e.TotalVarianceLow:G3}, {e.TotalVarianceHigh:G3}]",23} {e.SignalToNoise,10:G3} {e.CosineToReference,8:0.000} {$"[{e.CosineInterval.Low:0.000}, {e.CosineInterval.High:0.000}]",17} {e.MseToReference,11:G4} {e.MeanNorm,10:G4}{(e.EffectiveSampleSize is double ess ? $"  ESS {ess:0.#}" : "")}"));
    }
}
