using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using PolicyGradient.Distributed;

namespace PolicyGradient.Tests.Distributed;

/// <summary>
/// What keeps a frozen silo from holding up the learner: membership reads over several routes (the first answer
/// counts) and a gateway list that drops the gateways of silos declared dead.
/// </summary>
public class MembershipReadsTests
{
    static readonly Task<string> Never = new TaskCompletionSource<string>().Task;

    [Fact]
    public async Task The_first_route_that_answers_counts_when_the_others_never_answer_or_fail()
    {
        var clock = Stopwatch.StartNew();
        string answer = await MembershipReads.First(k => k switch
        {
            0 => Never,                                                          // through a frozen gateway
            1 => Task.FromException<string>(new InvalidOperationException("gateway closed")),
            2 => Task.Delay(50).ContinueWith(_ => "route 2"),
            _ => Never,
        }, TimeSpan.FromSeconds(20), "the membership");
        Assert.Equal("route 2", answer);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task No_answer_within_the_timeout_is_a_timeout_naming_what_was_read()
    {
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<TimeoutException>(() => MembershipReads.First(_ => Never, TimeSpan.FromMilliseconds(300), "the membership"));
        Assert.Contains("the membership did not answer through any gateway within 0 s", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Every_route_failing_is_reported_with_the_failure_without_waiting_for_the_timeout()
    {
        var e = await Assert.ThrowsAsync<TimeoutException>(() =>
            MembershipReads.First(_ => Task.FromException<string>(new InvalidOperationException("gateway closed")), TimeSpan.FromMinutes(5), "the handshake"));
        Assert.Contains("the handshake did not answer through any gateway (InvalidOperationException: gateway closed)", e.Message);
    }

    [Fact]
    public async Task A_dead_silos_gateway_leaves_the_list_and_comes_back_when_a_live_silo_holds_it_again()
    {
        var a = new IPEndPoint(IPAddress.Loopback, 30000);
        var b = new IPEndPoint(IPAddress.Loopback, 30001);
        var list = new LiveGatewayList(Options.Create(new StaticGatewayListProviderOptions { Gateways = [a.ToGatewayUri(), b.ToGatewayUri()] }));
        Assert.Equal(2, (await list.GetGateways()).Count);
        list.Update(dead: [b], alive: [a]);
        Assert.Equal([a.ToGatewayUri()], await list.GetGateways());
        list.Update(dead: [], alive: [a, b]);   // a silo restarted on b's ports
        Assert.Equal(2, (await list.GetGateways()).Count);
    }
}
