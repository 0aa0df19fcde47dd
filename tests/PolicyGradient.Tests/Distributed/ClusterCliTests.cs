using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using PolicyGradient.Tests.Cli;

namespace PolicyGradient.Tests.Distributed;

/// <summary>
/// The cluster through the command line, as a user runs it: two `pg cluster silo` processes on free
/// 127.0.0.1 ports, a `pg train --cluster` learner, and the same run without the cluster.
/// </summary>
[Collection("Console")]
public class ClusterCliTests
{
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);

    const int Sigterm = 15;

    static string Sha(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));

    static string[] Train(string dir, params string[] extra) =>
        ["train", "ppo", "CartPole-v1", "--seed", "4", "--timesteps", "2048", "--deterministic", "--quiet",
         "--set", "n_envs=4", "--set", "n_steps=64", "--set", "batch_size=64", "--set", "n_epochs=4", "--out", dir, .. extra];

    /// <summary>A silo process; Ready completes when it prints that it listens.</summary>
    internal sealed class Silo : IDisposable
    {
        readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        readonly List<string> _lines = [];

        public Silo(string clusterId, int port, int gateway, int? primary)
        {
            string[] args = ["cluster", "silo", "--cluster-id", clusterId, "--port", $"{port}", "--gateway-port", $"{gateway}"];
            if (primary is int p) args = [.. args, "--primary", $"127.0.0.1:{p}"];
            Process = Process.Start(PgProcess.StartInfo(null, args))!;
            Process.StandardInput.Close();
            Process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (_lines) _lines.Add(e.Data);
                if (e.Data.StartsWith("pg: silo of cluster", StringComparison.Ordinal)) _ready.TrySetResult();
            };
            Process.OutputDataReceived += (_, _) => { };
            Process.BeginErrorReadLine();
            Process.BeginOutputReadLine();
        }

        public Process Process { get; }

        public string Log { get { lock (_lines) return string.Join("\n", _lines); } }

        public void WaitReady()
        {
            if (!_ready.Task.Wait(TimeSpan.FromSeconds(60))) throw new TimeoutException("the silo did not start: " + Log);
        }

        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.Dispose();
        }
    }

    [Fact]
    public void Two_silo_processes_and_a_sync_learner_give_the_local_model_bit_for_bit_resume_too_then_stop_gracefully()
    {
        string root = Training.TestRuns.TempDir(), clusterId = "cli-" + Guid.NewGuid().ToString("N")[..8];
        var ports = LoopbackCluster.FreePorts(4);
        using var primary = new Silo(clusterId, ports[0], ports[1], null);
        primary.WaitReady();
        using var second = new Silo(clusterId, ports[2], ports[3], ports[0]);
        second.WaitReady();

        var (code, _, err) = PgProcess.Run(root, Train("local"));
        Assert.True(code == 0, err);
        (code, _, err) = PgProcess.Run(root, Train("cluster", "--cluster", clusterId, "--gateways", $"127.0.0.1:{ports[1]},127.0.0.1:{ports[3]}", "--workers", "4"));
        Assert.True(code == 0, err);
        Assert.Contains("4 rollout workers (sync)", err);
        Assert.Equal(Sha(Path.Combine(root, "local", "checkpoints", "final", "model.safetensors")),
                     Sha(Path.Combine(root, "cluster", "checkpoints", "final", "model.safetensors")));
        var header = File.ReadLines(Path.Combine(root, "cluster", "progress.csv")).First().Split(',');
        Assert.Contains("workers", header);
        Assert.Contains("policy_lag_max", header);
        Assert.Contains("rollout_sps", header);

        // pg resume continues a cluster run through new workers (their env state from the checkpoint) exactly as a local resume.
        string[] more = ["--timesteps", "3072", "--deterministic", "--quiet"];
        (code, _, err) = PgProcess.Run(root, ["resume", "local", .. more]);
        Assert.True(code == 0, err);
        (code, _, err) = PgProcess.Run(root, ["resume", "cluster", .. more]);
        Assert.Equal(2, code);
        Assert.Contains("comes from a cluster run", err);
        (code, _, err) = PgProcess.Run(root, ["resume", "cluster", .. more, "--cluster", clusterId, "--gateways", $"127.0.0.1:{ports[3]}", "--workers", "4"]);
        Assert.True(code == 0, err);
        Assert.Equal(Sha(Path.Combine(root, "local", "checkpoints", "final", "model.safetensors")),
                     Sha(Path.Combine(root, "cluster", "checkpoints", "final", "model.safetensors")));

        // The wrong cluster id at the right gateway: exit 2, one line, no hang.
        var clock = Stopwatch.StartNew();
        (code, _, err) = PgProcess.Run(root, Train("wrong", "--cluster", "not-" + clusterId, "--gateways", $"127.0.0.1:{ports[1]}", "--workers", "2"));
        Assert.Equal(2, code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.Contains("cannot reach cluster 'not-" + clusterId + "'", err);
        Assert.False(Directory.Exists(Path.Combine(root, "wrong")), "no run folder for a run that could not start");

        foreach (var silo in new[] { second, primary })
        {
            Assert.Equal(0, Kill(silo.Process.Id, Sigterm));
            Assert.True(silo.Process.WaitForExit(TimeSpan.FromSeconds(30)), "the silo did not stop on SIGTERM: " + silo.Log);
            Assert.Equal(0, silo.Process.ExitCode);
            Assert.Contains("pg: silo stopped", silo.Log);
        }
    }

    [Fact]
    public void An_unreachable_gateway_exits_2_with_one_line_within_30_seconds()
    {
        int port = LoopbackCluster.FreePorts(1)[0];
        var clock = Stopwatch.StartNew();
        var (code, _, err) = PgProcess.Run(Training.TestRuns.TempDir(), Train("run", "--cluster", "dev", "--gateways", $"127.0.0.1:{port}", "--workers", "2"));
        Assert.Equal(2, code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains($"127.0.0.1:{port}", err);
    }

    [Theory]
    [InlineData("--workers 2 --cluster-mode async", "async is not reproducible")] // Train() passes --deterministic
    [InlineData("--workers 2 --max-policy-lag 2", "--max-policy-lag bounds the staleness of --cluster-mode async")]
    [InlineData("--workers 2 --cluster-mode fast", "is not a mode")]
    [InlineData("--workers 3", "must divide n_envs 4")]
    [InlineData("--workers 2 --set normalize_observations=true", "normalize_observations=false")]
    [InlineData("--workers 2 --set backend=libtorch", "backend=auto")]
    [InlineData("--cluster-mode sync", "--workers N together")]
    public void Cluster_runs_it_cannot_run_exactly_are_refused_by_name_before_connecting(string extra, string message)
    {
        string[] flags = ["--cluster", "dev", "--gateways", "127.0.0.1:1", .. extra.Split(' ')];
        var (code, _, err) = PgProcess.Run(Training.TestRuns.TempDir(), Train("run", flags));
        Assert.Equal(2, code);
        Assert.Contains(message, err);
    }

    [Fact]
    public void Plug_in_envs_are_refused_with_the_cluster_flags_for_now()
    {
        string plugin = Path.Combine(AppContext.BaseDirectory, "plugins", "MyEnvs", "MyEnvs.dll");
        var (code, _, err) = PgProcess.Run(Training.TestRuns.TempDir(),
            Train("run", "--env-assembly", plugin, "--cluster", "dev", "--gateways", "127.0.0.1:1", "--workers", "2"));
        Assert.Equal(2, code);
        Assert.Contains("--env-assembly plug-ins", err);
    }
}
