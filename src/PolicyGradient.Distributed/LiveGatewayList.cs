using System.Net;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;

namespace PolicyGradient.Distributed;

/// <summary>
/// A learner's gateways (<c>--gateways</c>) minus those of silos the membership declared dead. Orleans' static
/// gateway list never changes, and a client drops a gateway only when a connection to it fails; a silo that is
/// paused or hung (SIGSTOP, a starved process) keeps its sockets open, so every grain whose calls the client
/// had routed through that gateway stayed routed there — also after the cluster declared the silo dead, which
/// made a resent call (<see cref="WorkerPool.Guard{T}"/>) wait as long as the first. The learner's membership
/// watch reports the dead silos' gateways here; the client refreshes its list every <see cref="RefreshPeriod"/>,
/// stops routing through them and closes their connections, so new and resent calls take a live gateway.
/// </summary>
internal sealed class LiveGatewayList(IOptions<StaticGatewayListProviderOptions> options) : IGatewayListProvider
{
    /// <summary>How often the client reads this list (Orleans' default is a minute; reading this one costs nothing).</summary>
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(1);

    /// <summary>By then after an <see cref="Update"/> the client has read the list at least once (a refresh period and a half).</summary>
    public static readonly TimeSpan Settled = RefreshPeriod * 1.5;

    readonly HashSet<(string Host, int Port)> _dead = [];

    /// <inheritdoc />
    public Task InitializeGatewayListProvider() => Task.CompletedTask;

    /// <inheritdoc />
    public Task<IList<Uri>> GetGateways()
    {
        lock (_dead) return Task.FromResult<IList<Uri>>(options.Value.Gateways.Where(u => !_dead.Contains((u.Host, u.Port))).ToList());
    }

    /// <inheritdoc />
    public TimeSpan MaxStaleness => RefreshPeriod;

    /// <inheritdoc />
    [Obsolete("Orleans no longer reads it; every provider counts as updatable.")]
    public bool IsUpdatable => true;

    /// <summary>
    /// The membership's current view: gateways of dead silos leave the list, a gateway endpoint that a live silo
    /// holds again (a silo restarted on the same ports) comes back.
    /// </summary>
    public void Update(IEnumerable<IPEndPoint> dead, IEnumerable<IPEndPoint> alive)
    {
        lock (_dead)
        {
            foreach (var g in dead) _dead.Add((g.Address.ToString(), g.Port));
            foreach (var g in alive) _dead.Remove((g.Address.ToString(), g.Port));
        }
    }
}
