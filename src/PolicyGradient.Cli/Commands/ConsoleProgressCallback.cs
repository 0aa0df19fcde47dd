using PolicyGradient.Core;
using Spectre.Console;

namespace PolicyGradient.Cli.Commands;

/// <summary>
/// Training progress on the console, for every kind of run: a Spectre.Console progress bar on a
/// terminal, or plain lines (<see cref="IProgressText"/> decides which updates print one) when output
/// is redirected or --quiet is given (CI logs).
/// </summary>
internal sealed class ConsoleProgressCallback(IProgressText text, ProgressTask? task) : IRunCallback
{
    public bool OnUpdateEnd(ILearner learner, UpdateMetrics metrics)
    {
        if (task is not null)
        {
            task.Value = Math.Min(metrics.Timesteps, text.Total);
            task.Description = Markup.Escape(text.Bar(metrics));
        }
        else if (text.Line(metrics) is string line) Console.WriteLine(line);
        return true;
    }

    public void OnTrainingEnd(ILearner learner)
    {
        if (task is not null) task.Value = task.MaxValue;
        else if (text.End(learner) is string line) Console.WriteLine(line);
    }

    /// <summary>Runs <paramref name="body"/> with a progress callback suited to the console.</summary>
    public static T Run<T>(string label, IProgressText text, bool quiet, Func<IRunCallback, T> body)
    {
        if (quiet || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
            return body(new ConsoleProgressCallback(text, null));
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(label), maxValue: text.Total);
                result = body(new ConsoleProgressCallback(text, task));
            });
        return result;
    }
}
