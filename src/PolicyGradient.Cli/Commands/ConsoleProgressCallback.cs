using System.Globalization;
using PolicyGradient.Algorithms;
using PolicyGradient.Training;
using Spectre.Console;
using PolicyGradient.Core;

namespace PolicyGradient.Cli.Commands;

/// <summary>
/// Training progress on the console: a Spectre.Console progress bar (timesteps, SPS, recent mean
/// return) on a terminal, or one plain line every <c>logEvery</c> updates when output is redirected
/// or --quiet is given (CI logs).
/// </summary>
internal sealed class ConsoleProgressCallback(string label, long totalTimesteps, ProgressTask? task, int logEvery) : ITrainingCallback
{
    double _lastReturn = double.NaN;

    public bool OnUpdateEnd(IAlgorithm algorithm, UpdateMetrics metrics)
    {
        if (metrics.Values.TryGetValue("episode_return_mean", out double r)) _lastReturn = r;
        double sps = metrics.Values.GetValueOrDefault("sps", double.NaN);
        if (task is not null)
        {
            task.Value = Math.Min(metrics.Timesteps, totalTimesteps);
            task.Description = Markup.Escape($"{label}  sps {Fmt(sps, "0")}  return {Fmt(_lastReturn, "0.##")}");
        }
        else if (logEvery > 0 && metrics.Updates % logEvery == 0)
            Console.WriteLine(Line(metrics.Timesteps, sps));
        return true;
    }

    public void OnTrainingEnd(IAlgorithm algorithm)
    {
        if (task is not null) task.Value = task.MaxValue;
        else Console.WriteLine(Line(algorithm.NumTimesteps, double.NaN) + (algorithm.NumTimesteps >= totalTimesteps ? "  (done)" : "  (stopped)"));
    }

    string Line(long timesteps, double sps) => string.Create(CultureInfo.InvariantCulture,
        $"[{label}] {timesteps:N0}/{totalTimesteps:N0} steps ({100.0 * timesteps / totalTimesteps:0.0}%)  sps {Fmt(sps, "0")}  return {Fmt(_lastReturn, "0.##")}");

    static string Fmt(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    /// <summary>Runs <paramref name="body"/> with a progress callback suited to the console.</summary>
    public static T Run<T>(string label, long totalTimesteps, bool quiet, int logEvery, long expectedUpdates, Func<ITrainingCallback, T> body)
    {
        // About 50 lines per run unless the user chose an interval.
        int every = logEvery > 0 ? logEvery : (int)Math.Max(1, expectedUpdates / 50);
        if (quiet || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
            return body(new ConsoleProgressCallback(label, totalTimesteps, null, every));
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(label), maxValue: totalTimesteps);
                result = body(new ConsoleProgressCallback(label, totalTimesteps, task, every));
            });
        return result;
    }
}
