using System.Runtime.InteropServices;
using PolicyGradient.Training;

namespace PolicyGradient.Cli;

/// <summary>
/// Ctrl-C (SIGINT) or SIGTERM (`kill`, a job scheduler, a container stop) during training. The first
/// one asks the run to stop at the end of the current update (or step), where it writes a complete
/// checkpoint; `pg` then prints where it stopped and the exact `pg resume` command, and exits 130
/// (SIGINT) or 143 (SIGTERM), 128 + the signal number as shells report it. A second signal shows the
/// terminal cursor again (a progress bar hides it) and exits at once, losing only what came after
/// the last checkpoint.
/// </summary>
internal static class Interrupts
{
    /// <summary>Exit code of a command interrupted by SIGINT (128 + 2, as shells report it).</summary>
    public const int SigintExitCode = 130;

    /// <summary>Exit code of a command stopped by SIGTERM (128 + 15).</summary>
    public const int SigtermExitCode = 143;

    static int s_exitCode = SigintExitCode;

    /// <summary>The exit code for the signal that stopped the last <see cref="TryRun{T}"/> (130 or 143).</summary>
    public static int ExitCode => Volatile.Read(ref s_exitCode);

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
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;   // the runtime must not end the process: we do, below or after the checkpoint
            bool term = context.Signal == PosixSignal.SIGTERM;
            if (Interlocked.Increment(ref count) == 1)
            {
                Volatile.Write(ref s_exitCode, term ? SigtermExitCode : SigintExitCode);
                Console.Error.WriteLine(term
                    ? "pg: terminated (SIGTERM): stopping after the current update and saving a checkpoint (a second signal quits at once)"
                    : "pg: interrupted: stopping after the current update and saving a checkpoint (press Ctrl-C again to quit at once)");
                cts.Cancel();
                return;
            }
            ShowCursor();
            Console.Error.WriteLine("pg: interrupted again: quitting without a new checkpoint");
            Environment.Exit(term ? SigtermExitCode : SigintExitCode);
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
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
