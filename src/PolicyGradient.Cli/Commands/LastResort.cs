using System.Runtime.InteropServices;

namespace PolicyGradient.Cli.Commands;

/// <summary>
/// A bound on a whole command whose steps depend on other processes (<c>pg cluster status</c>): if the
/// command is still running when the bound expires, one line goes to stderr and the process ends with
/// exit 2 at once — without the shutdown handlers, which could wait for the very connection that hangs.
/// </summary>
internal sealed class LastResort : IDisposable
{
    readonly CancellationTokenSource _done = new();

    LastResort(TimeSpan bound, string message)
    {
        var token = _done.Token;
        new Thread(() =>
        {
            if (token.WaitHandle.WaitOne(bound)) return;
            Console.Error.WriteLine($"pg: error: {message}");
            Console.Error.Flush();
            Console.Out.Flush();
            if (OperatingSystem.IsWindows()) Environment.Exit(ExitCodes.BadInput);
            else Exit(ExitCodes.BadInput);
        }) { IsBackground = true, Name = "pg last-resort bound" }.Start();
    }

    /// <summary>Starts the bound; dispose when the command finished in time.</summary>
    public static LastResort Arm(TimeSpan bound, string message) => new(bound, message);

    [DllImport("libc", EntryPoint = "_exit")]
    static extern void Exit(int code);

    /// <inheritdoc />
    public void Dispose() => _done.Cancel();
}
