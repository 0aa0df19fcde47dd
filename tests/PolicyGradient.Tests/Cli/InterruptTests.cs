using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace PolicyGradient.Tests.Cli;

/// <summary>
/// Ctrl-C or SIGTERM during `pg train`, with a real process and a real signal: the run stops after the
/// current update, saves a checkpoint there, says where and how to resume, exits 130 (SIGINT) or 143
/// (SIGTERM); `pg resume` then ends
/// with the same weights as a run that was never interrupted (--deterministic).
/// </summary>
[Collection("Console")]
public class InterruptTests
{
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);

    const int Sigint = 2, Sigterm = 15;

    static string[] TrainArgs(string dir) =>
        ["train", "ppo", "CartPole-v1", "--seed", "5", "--timesteps", "24576", "--deterministic", "--quiet", "--log-every", "1", "--out", dir];

    /// <summary>
    /// A job started in the background by a non-interactive shell (`nohup bash .ci/run &amp;`) inherits SIGINT
    /// as ignored, and so would pg: it would then rightly ignore Ctrl-C, as background jobs do. Where this
    /// test process ignores SIGINT, pg is started through `env --default-signal=INT` (GNU coreutils ≥ 8.31),
    /// which restores the default disposition, so the test checks pg's handler and not the shell's setup.
    /// </summary>
    static ProcessStartInfo Interruptible(ProcessStartInfo psi)
    {
        if (!SigintIgnored()) return psi;
        psi.ArgumentList.Insert(0, psi.FileName);
        psi.ArgumentList.Insert(0, "--default-signal=INT");
        psi.FileName = "/usr/bin/env";
        return psi;
    }

    static bool SigintIgnored()
    {
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line[7..].Trim(), 16) & (1UL << (Sigint - 1))) != 0;
    }

    static string Sha(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));

    [Theory]
    [InlineData(Sigint, 130, "pg: interrupted: stopping after the current update and saving a checkpoint")]
    [InlineData(Sigterm, 143, "pg: terminated (SIGTERM): stopping after the current update and saving a checkpoint")]
    public void First_signal_checkpoints_the_current_update_prints_the_resume_command_and_exits_128_plus_signal(int signal, int exitCode, string message)
    {
        if (OperatingSystem.IsWindows()) return;   // SIGINT through kill(2): Unix only
        string root = Training.TestRuns.TempDir();
        string straight = Path.Combine(root, "straight"), stopped = Path.Combine(root, "stopped");
        var (code, _, err) = PgProcess.Run(root, TrainArgs(straight));
        Assert.True(code == 0, err);

        using var p = Process.Start(Interruptible(PgProcess.StartInfo(root, TrainArgs(stopped))))!;
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEndAsync();
        // Wait until it is visibly training (a progress line per update), then press Ctrl-C once.
        string? line;
        while ((line = p.StandardOutput.ReadLine()) is not null && !line.StartsWith("[ppo CartPole-v1]", StringComparison.Ordinal)) { }
        Assert.NotNull(line);
        Assert.Equal(0, Kill(p.Id, signal));
        string rest = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(1)), $"pg did not exit after signal {signal}");
        p.WaitForExit();
        string errors = stderr.Result;
        Assert.True(p.ExitCode == exitCode, $"exit code {p.ExitCode}\n{errors}");
        Assert.Contains(message, errors);
        Assert.Contains($"pg: continue with: pg resume {stopped} --deterministic", errors);
        Assert.DoesNotContain("(done)", rest);

        string checkpoint = Assert.Single(Directory.GetDirectories(Path.Combine(stopped, "checkpoints"), "step-*"));
        Assert.Contains($"checkpoint saved in {checkpoint}", errors);
        Assert.False(Directory.Exists(Path.Combine(stopped, "checkpoints", "final")));
        long steps = long.Parse(Path.GetFileName(checkpoint)[5..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(steps % 256 == 0 && steps < 24576, $"checkpoint at {steps} steps");   // an update boundary (8 envs × 32 steps)

        (code, _, err) = PgProcess.Run(root, ["resume", stopped, "--deterministic", "--quiet"]);
        Assert.True(code == 0, err);
        foreach (string f in new[] { "model.safetensors", "env-state.bin" })
            Assert.True(Sha(Path.Combine(straight, "checkpoints", "final", f)) == Sha(Path.Combine(stopped, "checkpoints", "final", f)),
                $"{f} differs between the uninterrupted run and the interrupted-and-resumed one");
    }
}
