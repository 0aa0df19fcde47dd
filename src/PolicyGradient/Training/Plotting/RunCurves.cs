using System.Globalization;

namespace PolicyGradient.Training.Plotting;

/// <summary>What a run's progress.csv measures, which decides the panel its curves go in.</summary>
public enum RunCurveKind
{
    /// <summary>A classic run: mean episode return (and evaluation return) against environment timesteps.</summary>
    EpisodeReturn,
    /// <summary>A policy-gradient run on a task: reward mean, sample accuracy and held-out accuracy against update steps.</summary>
    TaskReward,
    /// <summary>Supervised fine-tuning: loss (and held-out accuracy on a second axis) against steps.</summary>
    SupervisedLoss,
}

/// <summary>One curve of a run: a progress.csv column against the run's x column.</summary>
/// <param name="Column">The progress.csv column.</param>
/// <param name="Label">Legend text.</param>
/// <param name="X">X values (timesteps or steps).</param>
/// <param name="Y">Finite y values (rows with an empty or non-finite cell are skipped).</param>
/// <param name="Dashed">Drawn dashed with markers (evaluations, held-out accuracy: sparse points).</param>
/// <param name="RightAxis">Drawn against the right axis (a second unit in the same panel).</param>
public sealed record CurveSeries(string Column, string Label, double[] X, double[] Y, bool Dashed, bool RightAxis);

/// <summary>
/// The curves of one run folder, read from its progress.csv: the kind of run is recognised from the
/// header (classic runs have <c>timesteps</c>; task runs <c>step</c> and <c>reward_mean</c>; SFT runs
/// <c>step</c> and <c>loss</c>), so classic and language runs are read by the same code.
/// </summary>
public sealed record RunCurves(RunCurveKind Kind, string XLabel, string YLabel, string? RightLabel, IReadOnlyList<CurveSeries> Series)
{
    // (column, legend, dashed, right axis) per kind; the first one is the run's main curve.
    static readonly Dictionary<RunCurveKind, (string Column, string Label, bool Dashed, bool Right)[]> Columns = new()
    {
        [RunCurveKind.EpisodeReturn] = [("episode_return_mean", "mean episode return (last 100)", false, false), ("eval_return_mean", "evaluation mean return", true, false)],
        [RunCurveKind.TaskReward] = [("reward_mean", "reward mean", false, false), ("accuracy", "sample accuracy", false, false), ("heldout_accuracy", "held-out greedy accuracy", true, false)],
        [RunCurveKind.SupervisedLoss] = [("loss", "SFT loss", false, false), ("heldout_accuracy", "held-out greedy accuracy", true, true)],
    };

    /// <summary>Reads the curves of the run folder <paramref name="runDir"/>.</summary>
    /// <exception cref="FileNotFoundException">No progress.csv in the folder.</exception>
    /// <exception cref="InvalidDataException">The header has none of the known x columns (the message names the file and them).</exception>
    public static RunCurves Read(string runDir)
    {
        string csv = Path.Combine(runDir, Trainer.ProgressFile);
        if (!File.Exists(csv)) throw new FileNotFoundException($"{csv}: not found (is {runDir} a run folder made by pg train?)", csv);
        var lines = File.ReadAllLines(csv);
        var header = lines.Length > 0 ? lines[0].Split(',') : [];
        var (kind, x) = KindOf(header, csv);
        int xc = Array.IndexOf(header, x);
        var rows = lines.Skip(1).Select(l => l.Split(',')).Where(c => c.Length == header.Length).ToList();
        var series = new List<CurveSeries>();
        foreach (var (column, label, dashed, right) in Columns[kind])
        {
            int yc = Array.IndexOf(header, column);
            if (yc < 0) continue;
            var (xs, ys) = Points(rows, xc, yc);
            if (xs.Length > 0) series.Add(new CurveSeries(column, label, xs, ys, dashed, right));
        }
        return kind switch
        {
            RunCurveKind.EpisodeReturn => new RunCurves(kind, "timesteps", "episode return", null, series),
            RunCurveKind.TaskReward => new RunCurves(kind, "step", "reward / accuracy", null, series),
            _ => new RunCurves(kind, "step", "loss", "held-out accuracy", series),
        };
    }

    static (RunCurveKind, string) KindOf(string[] header, string csv)
    {
        if (header.Contains("timesteps")) return (RunCurveKind.EpisodeReturn, "timesteps");
        if (header.Contains("step") && header.Contains("reward_mean")) return (RunCurveKind.TaskReward, "step");
        if (header.Contains("step") && header.Contains("loss")) return (RunCurveKind.SupervisedLoss, "step");
        throw new InvalidDataException($"{csv}: not a progress.csv pg knows (its header has none of 'timesteps', 'step' + 'reward_mean', 'step' + 'loss')");
    }

    static (double[], double[]) Points(List<string[]> rows, int xc, int yc)
    {
        var xs = new List<double>(); var ys = new List<double>();
        foreach (var cells in rows)
            if (double.TryParse(cells[xc], NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
                && double.TryParse(cells[yc], NumberStyles.Float, CultureInfo.InvariantCulture, out double y) && double.IsFinite(y))
            { xs.Add(x); ys.Add(y); }
        return (xs.ToArray(), ys.ToArray());
    }
}
