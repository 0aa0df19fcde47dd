using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PolicyGradient.Tests.Cli;

namespace PolicyGradient.Tests.Distributed;

/// <summary>
/// `pg cluster status` as a user runs it, against a cluster that answers and against ones that do not: a dead
/// gateway, a wrong cluster id, a gateway that accepts connections and never answers (what a frozen silo's
/// gateway does: the kernel completes the handshake, the process reads nothing). Each answers or exits 2 with
/// one line within 30 s.
/// </summary>
[Collection("Console")]
public class ClusterStatusCliTests(LoopbackCluster cluster) : IClassFixture<LoopbackCluster>
{
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    static (int Code, string Out, string Err, TimeSpan Took) Status(string clusterId, string gateways)
    {
        var clock = Stopwatch.StartNew();
        var (code, stdout, stderr) = PgProcess.Run(null, ["cluster", "status", "--cluster", clusterId, "--gateways", gateways], TimeSpan.FromSeconds(60));
        return (code, stdout, stderr, clock.Elapsed);
    }

    static void AssertOneLineExit2((int Code, string Out, string Err, TimeSpan Took) r, string expected)
    {
        Assert.True(r.Code == 2, $"exit {r.Code}: {r.Err}");
        Assert.True(r.Took < Bound, $"took {r.Took}: {r.Err}");
        Assert.Contains(expected, r.Err);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Lists_the_silos_of_a_cluster_that_answers()
    {
        var r = Status(cluster.ClusterId, string.Join(",", cluster.Gateways.Select(g => g.ToString())));
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains($"cluster {cluster.ClusterId}: 2 silo(s)", r.Out);
        Assert.Equal(2, r.Out.Split('\n').Count(l => l.StartsWith("silo ", StringComparison.Ordinal) && l.TrimEnd().EndsWith("Active", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_gateway_that_never_answers_beside_a_live_one_does_not_stop_the_listing()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();   // what a frozen silo's gateway looks like from outside
        var r = Status(cluster.ClusterId, $"127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port},{cluster.Gateways[0]}");
        Assert.True(r.Code == 0, r.Err);
        Assert.True(r.Took < Bound, $"took {r.Took}");
        Assert.Contains($"cluster {cluster.ClusterId}: 2 silo(s)", r.Out);
    }

    [Fact]
    public void A_dead_gateway_exits_2_with_one_line_within_30_seconds()
    {
        int port = LoopbackCluster.FreePorts(1)[0];
        AssertOneLineExit2(Status("dev", $"127.0.0.1:{port}"), $"cannot reach cluster 'dev' through 127.0.0.1:{port}");
    }

    [Fact]
    public void A_wrong_cluster_id_exits_2_with_one_line_within_30_seconds()
    {
        string wrong = "not-" + cluster.ClusterId;
        AssertOneLineExit2(Status(wrong, cluster.Gateways[0].ToString()), $"cannot reach cluster '{wrong}'");
    }

    [Fact]
    public void A_gateway_that_accepts_and_never_answers_exits_2_with_one_line_within_30_seconds()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();   // never accepts: the kernel completes the handshakes into the backlog, nothing reads or writes
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        AssertOneLineExit2(Status("dev", $"127.0.0.1:{port}"), $"127.0.0.1:{port}");
    }
}
