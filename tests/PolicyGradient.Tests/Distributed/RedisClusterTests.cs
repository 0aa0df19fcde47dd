using System.Diagnostics;
using System.Net;
using PolicyGradient.Algorithms;
using PolicyGradient.Distributed;
using static PolicyGradient.Tests.Algorithms.AlgorithmTestHelpers;

namespace PolicyGradient.Tests.Distributed;

/// <summary>
/// Redis membership (--membership redis://HOST:PORT): the test starts its own redis-server on a free
/// 127.0.0.1 port (no persistence), two silos and a learner find each other through it, and a sync run
/// equals the local run bit for bit. Where no redis-server can be found (.ci/run installs it) the test
/// says so and passes without running: <see cref="RedisServer.Missing"/>.
/// </summary>
[Collection("TorchGlobalState")]
public class RedisClusterTests
{
    [Fact]
    public void Sync_ppo_through_redis_membership_equals_the_local_run_bit_for_bit()
    {
        using var redis = RedisServer.Start();
        if (redis is null) { Console.WriteLine(RedisServer.Missing); return; }
        OneThread();
        const long seed = 7, steps = 4 * 64 * 3;
        using var local = new Ppo("CartPole-v1", PartitionedRolloutTests.Short(4), seed);
        var expected = PartitionedRolloutTests.Train(local, steps);

        string clusterId = "redis-" + Guid.NewGuid().ToString("N")[..8], membership = $"redis://127.0.0.1:{redis.Port}";
        var ports = LoopbackCluster.FreePorts(4);
        using var first = ClusterSilo.Build(clusterId, ports[0], ports[1], membership: membership);
        first.StartAsync().GetAwaiter().GetResult();
        using var second = ClusterSilo.Build(clusterId, ports[2], ports[3], membership: membership);
        second.StartAsync().GetAwaiter().GetResult();
        try
        {
            using (var client = ClusterClient.Connect(clusterId, [], TimeSpan.FromSeconds(25), membership))
            {
                var (silos, _) = client.Status();
                Assert.Equal(2, silos.Count(s => s.Status == "Active"));
                using var remote = new Ppo("CartPole-v1", PartitionedRolloutTests.Short(4), seed);
                ClusterRollouts.Attach(remote, client.Grains, 2);
                remote.Learn(steps, new Recorder());
                AssertSameWeights(expected.Weights, Weights(remote));
            }
        }
        finally
        {
            second.StopAsync().WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            first.StopAsync().WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        }
    }

    [Fact]
    public void A_redis_that_does_not_answer_fails_fast_with_one_line_naming_it()
    {
        // The longer Redis timeouts (ClusterMembership.RedisTimeout) must not hide a Redis that is not there.
        int port = LoopbackCluster.FreePorts(1)[0];
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<ClusterConnectionException>(() =>
            ClusterClient.Connect("nobody", [], TimeSpan.FromSeconds(25), $"redis://127.0.0.1:{port}"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.Contains($"redis://127.0.0.1:{port}", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void A_membership_that_is_not_redis_is_refused_with_the_form()
    {
        var e = Assert.Throws<ArgumentException>(() => ClusterMembership.RedisEndpoint("http://127.0.0.1:6379"));
        Assert.Contains("redis://HOST:PORT", e.Message);
        Assert.Equal("10.0.0.2:6380", ClusterMembership.RedisEndpoint("redis://10.0.0.2:6380"));
    }
}

/// <summary>A redis-server process on a free 127.0.0.1 port without persistence (--save '' --appendonly no).</summary>
sealed class RedisServer : IDisposable
{
    public const string Missing = "SKIPPED: redis-server not found on PATH (or /usr/bin); .ci/run installs it with apt-get install redis-server";

    readonly Process _process;

    RedisServer(Process process, int port) => (_process, Port) = (process, port);

    public int Port { get; }

    /// <summary>A running server, or null when no redis-server binary exists here.</summary>
    public static RedisServer? Start()
    {
        string? binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "redis-server")).FirstOrDefault(File.Exists);
        if (binary is null) return null;
        int port = LoopbackCluster.FreePorts(1)[0];
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "--port", $"{port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" }) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            try
            {
                using var socket = new System.Net.Sockets.TcpClient();
                socket.Connect(IPAddress.Loopback, port);
                return new RedisServer(process, port);
            }
            catch (System.Net.Sockets.SocketException) { Thread.Sleep(100); }
        }
        process.Kill();
        throw new TimeoutException($"redis-server did not listen on 127.0.0.1:{port} within 15 s");
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(5000);
        _process.Dispose();
    }
}
