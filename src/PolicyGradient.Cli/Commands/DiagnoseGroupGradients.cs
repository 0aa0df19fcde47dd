using System.Globalization;
using System.Text;
using System.Text.Json;
using PolicyGradient.Language.Diagnostics;
using PolicyGradient.Language.Runs;
using PolicyGradient.Language.Tokenizers;
using PolicyGradient.Training;
using TorchSharp;

namespace PolicyGradient.Cli.Commands;

/// <summary>The language side of <c>pg diagnose gradients</c>: the group estimators' variance and bias per group size (docs/variance.md).</summary>
internal static class DiagnoseGroupGradients
{
    static readonly string[] Columns = ["estimator", "group_size", "total_variance", "total_variance_low", "total_variance_high", "gsnr",
        "cosine_to_reference", "cosine_low", "cosine_high", "mse_to_reference", "mean_norm"];

    public static int Execute(DiagnoseGradientsCommand.Settings s)
    {
        if (s.Plot is not null) throw new UsageException("--plot is for classic runs; for a language run use --csv or --json");
        var options = Options(s);
        var device = TorchSetup.Apply(1, false, "cpu");
        var warnings = new List<string>();
        var location = LanguageCheckpoint.Locate(s.Path, warnings);
        foreach (string w in warnings) Console.Error.WriteLine($"pg: warning: {w}");
        var config = location.RunConfig is string rc ? LanguageRunConfig.FromRunConfig(rc)
            : throw new UsageException($"{s.Path} is a Hugging Face folder without a run configuration; diagnose a language run or checkpoint folder");
        var task = LanguageTasks.Create(config.TaskId, config.Run.Task);
        using var policy = LanguageCheckpoint.LoadPolicy(location);
        policy.to(device);
        GroupGradientDiagnosisReport report;
        try
        {
            report = GroupGradientDiagnosis.Run(policy, task, new CharTokenizer(), options, progress: s.Json ? null : line => Console.Error.Write($"\r{line}        "));
        }
        catch (ArgumentException e) { throw new UsageException($"--estimators/--group-sizes: {e.Message}"); }
        if (!s.Json) Console.Error.WriteLine();
        if (s.Csv is { } csv) File.WriteAllText(csv, Csv(report));
        if (s.Json) foreach (var row in report.Rows) Console.WriteLine(DiagnosisJson.Line(Values(row)));
        else Print(report, task.Id, location.ModelDir, options);
        return ExitCodes.Success;
    }

    static GroupGradientDiagnosisOptions Options(DiagnoseGradientsCommand.Settings s)
    {
        var options = new GroupGradientDiagnosisOptions();
        if (s.Estimators is { } list) options = options with { Estimators = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
        if (s.GroupSizes is { } sizes)
        {
            var parsed = sizes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(x => int.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out int g) && g >= 2 ? g
                    : throw new UsageException($"--group-sizes: '{x}' is not a whole number >= 2 (e.g. --group-sizes 2,4,8,16)")).Distinct().ToArray();
            if (parsed.Length == 0) throw new UsageException("--group-sizes is empty (e.g. --group-sizes 2,4,8,16)");
            options = options with { GroupSizes = parsed };
        }
        if (s.Batches is int k) options = options with { Batches = k >= 2 ? k : throw new UsageException($"--batches must be at least 2 (a variance needs two batches), got {k}") };
        if (s.ReferenceBatches is int r) options = options with { ReferenceBatches = r >= 1 ? r : throw new UsageException($"--reference-batches must be at least 1, got {r}") };
        if (s.Prompts is int p) options = options with { Prompts = p >= 1 ? p : throw new UsageException($"--prompts must be at least 1, got {p}") };
        if (s.BatchSize is not null) throw new UsageException("--batch-size is for classic runs; a language batch is --prompts × group size responses");
        if (s.Seed is int seed) options = options with { Seed = seed };
        if (s.Bootstrap is int b) options = options with { Bootstrap = b >= 0 ? b : throw new UsageException($"--bootstrap must be at least 0 (0: no intervals), got {b}") };
        return options;
    }

    static Dictionary<string, object> Values(GroupEstimatorDiagnosis row)
    {
        var values = new Dictionary<string, object>
        {
            ["estimator"] = row.Estimator, ["group_size"] = row.GroupSize, ["total_variance"] = row.TotalVariance, ["gsnr"] = row.SignalToNoise,
            ["cosine_to_reference"] = row.CosineToReference, ["mse_to_reference"] = row.MseToReference, ["mean_norm"] = row.MeanNorm,
        };
        // Interval ends only where there are some (--bootstrap N > 0; a cosine whose resampled means were all 0 has none): JSON has no NaN.
        if (row.Intervals is { } i)
        {
            (values["total_variance_low"], values["total_variance_high"]) = (i.TotalVariance.Low, i.TotalVariance.High);
            if (!double.IsNaN(i.Cosine.Low)) (values["cosine_low"], values["cosine_high"]) = (i.Cosine.Low, i.Cosine.High);
        }
        return values;
    }

    static string Csv(GroupGradientDiagnosisReport report)
    {
        var text = new StringBuilder().AppendLine(string.Join(",", Columns));
        foreach (var row in report.Rows)
        {
            var values = Values(row);
            text.AppendLine(string.Join(",", Columns.Select(c => !values.TryGetValue(c, out var v) ? "" : v is double d ? d.ToString("R", CultureInfo.InvariantCulture) : v.ToString())));
        }
        return text.ToString();
    }

    static void Print(GroupGradientDiagnosisReport r, string taskId, string checkpoint, GroupGradientDiagnosisOptions o)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"{taskId}, checkpoint {checkpoint}"));
        Console.WriteLine(string.Create(inv, $"{o.Batches} batches of {o.Prompts} prompts (mean reward {r.MeanReward:0.###}); reference: rloo at G = {o.GroupSizes.Max()} over {o.ReferenceBatches} batches, |g*| {r.ReferenceNorm:G4}; {r.Parameters} parameters; {r.Seconds:0.0} s"));
        Console.WriteLine(string.Create(inv, $"{"estimator",-20} {"G",3} {"total variance",14} {"95% interval",21} {"GSNR",10} {"cos(g*)",8} {"95% interval",17} {"MSE to g*",11} {"|mean|",10}"));
        foreach (var e in r.Rows)
        {
            string tv = e.Intervals is { } i ? string.Create(inv, $"[{i.TotalVariance.Low:G3}, {i.TotalVariance.High:G3}]") : "";
            string cos = e.Intervals is { } j ? string.Create(inv, $"[{j.Cosine.Low:0.000}, {j.Cosine.High:0.000}]") : "";
            Console.WriteLine(string.Create(inv, $"{e.Estimator,-20} {e.GroupSize,3} {e.TotalVariance,14:G4} {tv,21} {e.SignalToNoise,10:G3} {e.CosineToReference,8:0.000} {cos,17} {e.MseToReference,11:G4} {e.MeanNorm,10:G4}"));
        }
    }
}
