namespace PolicyGradient.Tests.Cli;

/// <summary>
/// Runs the real `pg` entry point in this process with Console.Out/Error captured: exit code and
/// outputs, without a process start. Tests using it belong to the "Console" collection (they swap the
/// process-wide console writers). Use <see cref="PgProcess"/> for signals, host exit codes and start-up.
/// </summary>
internal static class PgInProcess
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o); Console.SetError(e);
        try
        {
            var entry = typeof(PolicyGradient.Cli.CliErrors).Assembly.EntryPoint!;
            int code = (int)entry.Invoke(null, [args])!;
            return (code, o.ToString(), e.ToString());
        }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }
}
