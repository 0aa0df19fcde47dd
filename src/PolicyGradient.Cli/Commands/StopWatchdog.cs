using System.Runtime.InteropServices;

namespace PolicyGradient.Cli.Commands;

/// <summary>
/// A cluster learner's bound on stopping: after the first SIGTERM or Ctrl-C the run finishes its
/// update, writes its checkpoint (workers whose silo died are re-created first, so that never waits
/// for a dead silo) and disconnects; if the process is still alive <see cref="Bound"/> later, a
/// cluster call is hanging (a request the runtime will not fail before its 10-minute response
/// timeout), and the watchdog ends the process with 143/130 and one line instead of hanging.
/// </summary>
internal static class StopWatchdog
{
    /// <summary>Time from the first stop signal to the forced exit.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    static PosixSignalRegistration? s_term, s_int;
    static int s_fired;

    /// <summary>Watches SIGTERM and SIGINT from now on (once per process; the handlers of <see cref="Interrupts"/> still run).</summary>
    public static void Arm()
    {
        if (s_term is not null) return;
        s_term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        s_int = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
    }

    static void OnSignal(PosixSignalContext context)
    {
        // Leaves context.Cancel alone: Interrupts decides whether the runtime may end the process now.
        if (Interlocked.Exchange(ref s_fired, 1) == 1) return;
        int code = context.Signal == PosixSignal.SIGTERM ? Interrupts.SigtermExitCode : Interrupts.SigintExitCode;
        var timer = new Thread(() =>
        {
            Thread.Sleep(Bound);
            Console.Error.WriteLine($"pg: still not stopped {Bound.TotalSeconds:0} s after the stop signal (a cluster call does not answer; a silo may have died); quitting, the run folder's last complete checkpoint stays usable with pg resume");
            foreach (var call in Distributed.PendingWorkerCalls.Describe()) Console.Error.WriteLine($"pg:   pending: {call}");
            Environment.Exit(code);
        }) { IsBackground = true, Name = "pg stop watchdog" };
        timer.Start();
    }
}
