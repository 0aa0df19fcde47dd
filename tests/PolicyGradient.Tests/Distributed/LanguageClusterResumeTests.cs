using System.Diagnostics;
using System.Security.Cryptography;
using PolicyGradient.Tests.Cli;
using Silo = PolicyGradient.Tests.Distributed.ClusterCliTests.Silo;

namespace PolicyGradient.Tests.Distributed;

/// <summary>
/// `pg resume` of a language cluster run through the command line: the learner of a sync grpo run on two silo
/// processes is killed with SIGKILL after a checkpoint, `pg resume RUN --cluster ...` reconnects to the same
/// silos and finishes, and the model equals an uninterrupted run's bit for bit (tiny model, a few seconds of training).
/// </summary>
[Collection("Console")]
public class LanguageClusterResumeTests
{
    const int Steps = 16;

    static readonly string[] Small =
        ["--set", "task.min_length=2", "--set", "task.max_length=4", "--set", "eval_problems=8", "--set", "eval_every=0", "--seed", "3", "--deterministic", "--quiet"];

    static string[] Sft() =>
        ["train", "sft", "Reverse-v0", "--steps", "2", "--out", "sft", "--set", "batch_size=4", "--set", "model.layers=1", "--set", "model.width=16",
         "--set", "model.heads=2", "--set", "model.max_positions=32", .. Small];

    static string[] Grpo(string dir, params string[] extra) =>
        ["train", "grpo", "Reverse-v0", "--init", "sft", "--steps", $"{Steps}", "--checkpoint-every", "4", "--out", dir,
         "--set", "prompts_per_step=4", "--set", "group_size=4", .. Small, .. extra];

    static string Sha(string root, string run) =>
        Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(root, run, "checkpoints", "final", "model.safetensors"))));

    static string[] Column(string root, string run, string name)
    {
        var lines = File.ReadAllLines(Path.Combine(root, run, "progress.csv"));
        int i = Array.IndexOf(lines[0].Split(','), name);
        Assert.True(i >= 0, $"progress.csv has no column {name}: {lines[0]}");
        return lines.Skip(1).Select(l => l.Split(',')[i]).ToArray();
    }

    [Fact]
    public void A_sync_language_run_killed_after_a_checkpoint_resumes_on_the_same_silos_and_ends_with_the_uninterrupted_weights()
    {
        string root = Training.TestRuns.TempDir(), clusterId = "lres-" + Guid.NewGuid().ToString("N")[..8];
        var ports = LoopbackCluster.FreePorts(4);
        using var primary = new Silo(clusterId, ports[0], ports[1], null);
        primary.WaitReady();
        using var second = new Silo(clusterId, ports[2], ports[3], ports[0]);
        second.WaitReady();
        string[] flags = ["--cluster", clusterId, "--gateways", $"127.0.0.1:{ports[1]},127.0.0.1:{ports[3]}", "--workers", "2"];

        var (code, _, err) = PgProcess.Run(root, Sft());
        Assert.True(code == 0, err);
        (code, _, err) = PgProcess.Run(root, Grpo("local"));
        Assert.True(code == 0, err);

        using (var learner = Process.Start(PgProcess.StartInfo(root, Grpo("killed", flags)))!)
        {
            learner.StandardInput.Close();
            learner.OutputDataReceived += (_, _) => { };
            learner.ErrorDataReceived += (_, _) => { };
            learner.BeginOutputReadLine();
            learner.BeginErrorReadLine();
            string checkpoints = Path.Combine(root, "killed", "checkpoints");
            var clock = Stopwatch.StartNew();
            while (!(Directory.Exists(checkpoints) && Directory.GetDirectories(checkpoints, "step-*").Length > 0))
            {
                Assert.False(learner.HasExited, "the cluster run ended before its first checkpoint");
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "no checkpoint appeared");
                Thread.Sleep(20);
            }
            Thread.Sleep(Random.Shared.Next(0, 100));   // an arbitrary moment after it
            Assert.False(learner.HasExited, "the cluster run finished before it could be killed");
            learner.Kill(entireProcessTree: true);        // SIGKILL
            learner.WaitForExit();
        }
        Assert.False(File.Exists(Path.Combine(root, "killed", "checkpoints", "final", "model.safetensors")), "the killed run must not have finished");

        (code, _, err) = PgProcess.Run(root, ["resume", "killed", "--deterministic", "--quiet", .. flags]);
        Assert.True(code == 0, err);
        Assert.Contains("2 rollout workers (sync)", err);
        Assert.Equal(Sha(root, "local"), Sha(root, "killed"));
        Assert.Equal(Column(root, "local", "reward_mean"), Column(root, "killed", "reward_mean"));
        Assert.Equal(Enumerable.Range(1, Steps).Select(s => $"{s}"), Column(root, "killed", "step"));   // each step once
    }
}
