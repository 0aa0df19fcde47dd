using System.Diagnostics;
using System.Security.Cryptography;

namespace PolicyGradient.Tests.Reliability;

/// <summary>
/// Issue 5's kill-and-resume guarantee with a real process and a real SIGKILL: `pg train` killed at
/// an arbitrary moment after its first checkpoint, then `pg resume`, ends with the same weights, env
/// state and progress.csv rows (apart from wall-clock columns) as a run that never stopped.
/// </summary>
[Collection("Console")]
public class KillAndResumeTests
{
    static readonly string Pg = Path.Combine(AppContext.BaseDirectory, "pg.dll");

    static string Dotnet()
    {
        string? host = Environment.ProcessPath;
        return host != null && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
    }

    static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo(Dotnet()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Pg);
        foreach (string a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    static void RunToEnd(params string[] args)
    {
        using var p = Start(args);
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), $"pg {string.Join(' ', args)} did not finish");
        Assert.True(p.ExitCode == 0, $"pg {string.Join(' ', args)} exited {p.ExitCode}");
    }

    static string[] TrainArgs(string dir) =>
        ["train", "ppo", "CartPole-v1", "--seed", "3", "--timesteps", "24576", "--checkpoint-every", "2048",
         "--deterministic", "--quiet", "--out", dir];

    /// <summary>A language-model run (tiny SFT) through the same run layer: killed and resumed, it must end the same way.</summary>
    static string[] LanguageTrainArgs(string dir) =>
        ["train", "sft", "Reverse-v0", "--seed", "3", "--steps", "600", "--checkpoint-every", "5", "--deterministic", "--quiet", "--out", dir,
         "--set", "model.layers=1", "--set", "model.width=16", "--set", "model.heads=2", "--set", "model.max_positions=32",
         "--set", "batch_size=8", "--set", "eval_every=50", "--set", "eval_problems=10", "--set", "task.min_length=2", "--set", "task.max_length=3"];

    /// <summary>progress.csv rows without the wall-clock columns (wall_seconds, sps, tokens per second).</summary>
    static List<string> Rows(string run)
    {
        var lines = File.ReadAllLines(Path.Combine(run, "progress.csv"));
        var header = lines[0].Split(',');
        var keep = Enumerable.Range(0, header.Length).Where(i => header[i] is not ("wall_seconds" or "sps" or "tokens_per_second" or "answer_tokens_per_second")).ToArray();
        return lines.Select(l => { var f = l.Split(','); return string.Join(',', keep.Select(i => i < f.Length ? f[i] : "")); }).ToList();
    }

    static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void Sigkill_then_resume_ends_identical_to_an_uninterrupted_run() =>
        KillResumeCompare(TrainArgs, ["model.safetensors", "env-state.bin"]);

    [Fact]
    public void Sigkill_then_resume_of_a_language_run_ends_identical_to_an_uninterrupted_run() =>
        KillResumeCompare(LanguageTrainArgs, ["model.safetensors", "optimizer.bin", "env-state.bin"]);

    static void KillResumeCompare(Func<string, string[]> trainArgs, string[] files)
    {
        Assert.True(File.Exists(Pg), $"pg.dll not found next to the tests at {Pg}");
        string root = Directory.CreateTempSubdirectory("pg-kill-").FullName;
        try
        {
            string straight = Path.Combine(root, "straight"), killed = Path.Combine(root, "killed");
            RunToEnd(trainArgs(straight));

            using (var p = Start(trainArgs(killed)))
            {
                string checkpoints = Path.Combine(killed, "checkpoints");
                var clock = Stopwatch.StartNew();
                while (!(Directory.Exists(checkpoints) && Directory.GetDirectories(checkpoints, "step-*").Length > 0))
                {
                    Assert.False(p.HasExited, "the run ended before its first checkpoint");
                    Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "no checkpoint appeared");
                    Thread.Sleep(20);
                }
                Thread.Sleep(Random.Shared.Next(0, 150));   // an arbitrary moment after it
                Assert.False(p.HasExited, "the run finished before it could be killed");
                p.Kill(entireProcessTree: true);              // SIGKILL on Unix
                p.WaitForExit();
            }
            Assert.False(File.Exists(Path.Combine(killed, "checkpoints", "final", "model.safetensors")), "the killed run must not have finished");

            RunToEnd("resume", killed, "--deterministic", "--quiet");

            foreach (string f in files)
                Assert.True(Hash(Path.Combine(straight, "checkpoints", "final", f)) == Hash(Path.Combine(killed, "checkpoints", "final", f)),
                    $"{f} differs between the uninterrupted and the killed-and-resumed run");
            Assert.Equal(Rows(straight), Rows(killed));
        }
        finally { Directory.Delete(root, true); }
    }
}
