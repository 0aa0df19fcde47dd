using System.Runtime.InteropServices;
using PolicyGradient.Training;

namespace PolicyGradient.Cli;

/// <summary>
/// Ctrl-C (SIGINT) during training. The first one asks the run to stop at the end of the current
/// update (or step), where it writes a complete checkpoint; `pg` then prints where it stopped and the
/// exact `pg resume` command, and exits 130. A second one shows the terminal cursor again (a progress
/// bar hides it) and exits 130 at once, losing only what came after the last checkpoint.
/// </summary>
internal static class Interrupts
{
    /// <summary>Exit code of an interrupted command (128 + SIGINT, as shells report it).</summary>
    public const int ExitCode = 130;

    /// <summary>
    /// Runs <paramref name="body"/> with a cancellation token signalled by the first Ctrl-C. Returns
    /// false (after printing the message) when the run stopped on it with a checkpoint.
    /// </summary>
    /// <param name="resumeFlags">Flags the resume command needs to continue the same way (e.g. " --deterministic").</param>
    /// <param name="body">The training call; it gets the token to honour.</param>
    /// <param name="result">The body's result when it finished.</param>
    public static bool TryRun<T>(string resumeFlags, Func<CancellationToken, T> body, out T result)
    {
        using var cts = new CancellationTokenSource();
        int count = 0;
        void OnSigint(PosixSignalContext context)
        {
            context.Cancel = true;   // the runtime must not end the process: we do, below or after the checkpoint
            if (Interlocked.Increment(ref count) == 1)
            {
                Console.Error.WriteLine("pg: interrupted: stopping after the current update and saving a checkpoint (press Ctrl-C again to quit at once)");
                cts.Cancel();
                return;
            }
            ShowCursor();
            Console.Error.WriteLine("pg: interrupted again: quitting without a new checkpoint");
            Environment.Exit(ExitCode);
        }
        using var registration = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSigint);
        try
        {
            result = body(cts.Token);
            return true;
        }
        catch (TrainingInterruptedException e)
        {
            ShowCursor();
            Console.Error.WriteLine($"pg: stopped at step {e.Timesteps:N0}; checkpoint saved in {e.Checkpoint}");
            Console.Error.WriteLine($"pg: continue with: pg resume {Quote(e.RunDir)}{resumeFlags}");
            result = default!;
            return false;
        }
    }

    /// <summary>Makes the terminal cursor visible again (Spectre's progress bar hides it while it runs).</summary>
    static void ShowCursor()
    {
        if (!Console.IsOutputRedirected) Console.Out.Write("\u001b[?25h");
        Console.Out.Flush();
    }

    static string Quote(string path) =>
        path.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or '\\' or '&' or ';' or '(' or ')' or '*' or '?')
            ? "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'"
            : path;
}
