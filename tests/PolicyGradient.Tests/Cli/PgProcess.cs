using System.Diagnostics;

namespace PolicyGradient.Tests.Cli;

/// <summary>
/// Runs the built `pg` tool as a separate process (`dotnet pg.dll ...`), as a user would: real exit
/// codes, real stdout/stderr, real signals. pg.dll is copied next to the test assembly by the project
/// reference. Use it for behaviour that an in-process call cannot show (exit codes from the host,
/// signals, unhandled crashes, start-up).
/// </summary>
internal static class PgProcess
{
    /// <summary>Full path of pg.dll beside the test assembly.</summary>
    public static string PgDll => Path.Combine(AppContext.BaseDirectory, "pg.dll");

    /// <summary>Start info for `dotnet pg.dll args...` in <paramref name="workingDirectory"/> (default: a fresh temp folder).</summary>
    public static ProcessStartInfo StartInfo(string? workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Training.TestRuns.TempDir(),
        };
        psi.ArgumentList.Add(PgDll);
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["NO_COLOR"] = "1";
        return psi;
    }

    /// <summary>Runs `pg args...` to completion (killed after <paramref name="timeout"/>, default 2 minutes).</summary>
    public static (int Code, string Out, string Err) Run(string? workingDirectory, string[] args, TimeSpan? timeout = null)
    {
        using var p = Process.Start(StartInfo(workingDirectory, args))!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"pg {string.Join(' ', args)} did not exit within {timeout ?? TimeSpan.FromMinutes(2)}");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs `pg args...` in a fresh temp folder.</summary>
    public static (int Code, string Out, string Err) Run(params string[] args) => Run(null, args);
}
