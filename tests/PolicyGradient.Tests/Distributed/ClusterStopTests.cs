using System.Diagnostics;
using System.Runtime.InteropServices;
using PolicyGradient.Tests.Cli;
using Silo = PolicyGradient.Tests.Distributed.ClusterCliTests.Silo;

namespace PolicyGradient.Tests.Distributed;

/// <summary>
/// Stopping parts of a cluster through the command line: a learner that gets SIGTERM right after a
/// worker silo was killed saves its checkpoint and exits in bounded time; a silo stopped with SIGTERM
/// mid-run loses no batch and counts none twice.
/// </summary>
[Collection("Console")]
public class ClusterStopTests
{
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);

    const int Sigkill = 9, Sigterm = 15;

    /// <summary>A learner with 4 workers (one env copy each) that runs until stopped, checkpointing every 2 updates.</summary>
    static Process StartLearner(string root, string clusterId, int[] ports, List<string> err, long timesteps)
    {
        string[] args = ["train", "ppo", "CartPole-v1", "--seed", "2", "--timesteps", $"{timesteps}", "--quiet", "--checkpoint-every", "512",
            "--set", "n_envs=4", "--set", "n_steps=64", "--set", "batch_size=64", "--set", "n_epochs=2",
            "--cluster", clusterId, "--gateways", $"127.0.0.1:{ports[1]},127.0.0.1:{ports[3]}", "--workers", "4", "--out", "run"];
        var learner = Process.Start(PgProcess.StartInfo(root, args))!;
        learner.StandardInput.Close();
        learner.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (err) err.Add(e.Data); };
        learner.OutputDataReceived += (_, _) => { };
        learner.BeginErrorReadLine();
        learner.BeginOutputReadLine();
        return learner;
    }

    static int ProgressRows(string root) =>
        File.Exists(Path.Combine(root, "run", "progress.csv")) ? Math.Max(0, ReadLines(Path.Combine(root, "run", "progress.csv")).Length - 1) : 0;

    static string[] ReadLines(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    static void WaitForRows(string root, Process learner, int rows, List<string> err)
    {
        var clock = Stopwatch.StartNew();
        while (ProgressRows(root) < rows)
        {
            if (learner.HasExited) lock (err) Assert.Fail("the learner ended early: " + string.Join("\n", err));
            if (clock.Elapsed > TimeSpan.FromMinutes(3)) Assert.Fail("the learner made no progress in 3 minutes");
            Thread.Sleep(200);
        }
    }

    // Issue 12: a request (or its answer) that went through the killed silo's gateway was lost without an error
    // while its worker ran on the live silo, and the learner waited for it until the 90 s stop watchdog; the
    // learner now sends such a call again (WorkerPool.Guard, docs/distributed.md "Fault handling").
    [Fact]
    public void A_learner_stopped_right_after_a_silo_died_saves_its_checkpoint_and_exits_in_bounded_time()
    {
        string root = Training.TestRuns.TempDir(), clusterId = "stop-" + Guid.NewGuid().ToString("N")[..8];
        var ports = LoopbackCluster.FreePorts(4);
        using var primary = new Silo(clusterId, ports[0], ports[1], null);
        primary.WaitReady();
        using var second = new Silo(clusterId, ports[2], ports[3], ports[0]);
        second.WaitReady();
        var err = new List<string>();
        using var learner = StartLearner(root, clusterId, ports, err, 10_000_000);
        try
        {
            WaitForRows(root, learner, 3, err);
            Assert.Equal(0, Kill(second.Process.Id, Sigkill)); // two of the four workers run there (round robin)
            Thread.Sleep(300);
            var clock = Stopwatch.StartNew();
            Assert.Equal(0, Kill(learner.Id, Sigterm));
            bool exited = learner.WaitForExit(TimeSpan.FromSeconds(150));
            string log; lock (err) log = string.Join("\n", err);
            Assert.True(exited, $"the learner did not exit within 150 s of SIGTERM: {log}");
            Assert.Equal(143, learner.ExitCode);
            // Bounded by the update, the re-creation of the dead silo's workers (seconds) and the checkpoint, not a 10-minute timeout.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"took {clock.Elapsed}: {log}");
            Assert.Contains("checkpoint saved in", log);
            Assert.DoesNotContain("still not stopped", log);
        }
        finally
        {
            if (!learner.HasExited) learner.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public void A_silo_stopped_with_sigterm_mid_run_loses_no_batch_and_counts_none_twice()
    {
        string root = Training.TestRuns.TempDir(), clusterId = "term-" + Guid.NewGuid().ToString("N")[..8];
        var ports = LoopbackCluster.FreePorts(4);
        using var primary = new Silo(clusterId, ports[0], ports[1], null);
        primary.WaitReady();
        using var second = new Silo(clusterId, ports[2], ports[3], ports[0]);
        second.WaitReady();
        var err = new List<string>();
        const long timesteps = 256 * 24; // 24 updates of 4 copies x 64 steps
        using var learner = StartLearner(root, clusterId, ports, err, timesteps);
        try
        {
            WaitForRows(root, learner, 3, err);
            Assert.Equal(0, Kill(second.Process.Id, Sigterm));
            Assert.True(second.Process.WaitForExit(TimeSpan.FromSeconds(60)), "the silo did not stop on SIGTERM: " + second.Log);
            Assert.Equal(0, second.Process.ExitCode);
            Assert.True(learner.WaitForExit(TimeSpan.FromMinutes(4)), "the learner did not finish");
            string log; lock (err) log = string.Join("\n", err);
            Assert.True(learner.ExitCode == 0, log);
            Assert.Contains("re-created on", log); // the stopped silo's workers moved to the primary
            // Every update learned one whole batch of 256 fresh steps: none missing, none twice.
            var rows = ReadLines(Path.Combine(root, "run", "progress.csv"));
            var header = rows[0].Split(',');
            int t = Array.IndexOf(header, "timesteps");
            var steps = rows.Skip(1).Select(r => long.Parse(r.Split(',')[t], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(24, steps.Length);
            Assert.Equal(Enumerable.Range(1, 24).Select(i => 256L * i), steps);
        }
        finally
        {
            if (!learner.HasExited) learner.Kill(entireProcessTree: true);
        }
    }
}
