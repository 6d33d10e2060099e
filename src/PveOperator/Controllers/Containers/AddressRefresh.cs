namespace PveOperator.Controllers;

/// <summary>
/// When a running container's addresses are read: at once after a start, every few seconds while DHCP has not given
/// it an IPv4 address yet (within the DHCP window), and otherwise on a slow, jittered cadence stretched so that a
/// provider's containers stay within the refresh budget.
/// </summary>
internal static class AddressRefresh
{
    /// <summary>Whether a read is due, the history to keep (first refreshes spread after a restart), and when to look again.</summary>
    /// <remarks>NeedsNetworkConfig: in the DHCP window, the netN config has not been read yet (once per start).</remarks>
    public static (bool Due, ContainerHistory History, TimeSpan Requeue, bool NeedsNetworkConfig) Plan(ContainerFacts f, ContainerControllerSettings s, ContainerHistory history)
    {
        var status = f.Status;
        var now = f.Now;
        var every = Every(f.Provider.ContainerCount, s);
        if (history.LastAddressRefresh is null && status.IpAddresses is { Count: > 0 }
            && f.Container.Status?.ObservedGeneration == f.Container.Metadata.Generation)
        {
            // The addresses in status were read before this operator started (a restart or a new leader) for this very
            // spec: take them as read at some point of the last interval instead of asking every container again at once.
            history = history.AddressesRefreshed(now - every * f.Spread);
        }

        var inDhcpWindow = history.StartedAt is { } started && now - started < s.DhcpRetryWindow;
        if (history.LastAddressRefresh is null && status.IpAddresses is not null && !inDhcpWindow && s.IpRefreshInterval > TimeSpan.Zero)
        {
            // Known from before a restart: spread the first refreshes over the interval instead of all at once.
            history = history.AddressesRefreshed(now - (s.IpRefreshInterval * 0.9 * f.Spread));
        }

        // Until every interface configured for DHCP or SLAAC has its address, not only the first one found (a static eth0
        // beside a DHCP eth1 would otherwise hide eth1's lease until the slow refresh).
        var awaiting = inDhcpWindow && (history.DhcpInterfaces is { } expected
            ? expected.Any(i => i.Lacks(status.Interfaces))
            : status.IpAddresses?.Any(a => a.Contains('.', StringComparison.Ordinal)) != true);
        var due = history.LastAddressRefresh is not { } last
            || (awaiting && now - last >= s.DhcpRetryInterval)
            || (every > TimeSpan.Zero && now - last >= every);

        TimeSpan requeue;
        if (awaiting || (inDhcpWindow && history.DhcpInterfaces is null))
        {
            requeue = s.DhcpRetryInterval;
        }
        else
        {
            var untilRefresh = every > TimeSpan.Zero
                ? RefreshBudget.Jitter(every - (now - (history.LastAddressRefresh ?? now)), f.Jitter)
                : s.ResyncInterval;
            requeue = untilRefresh < s.ResyncInterval ? untilRefresh : s.ResyncInterval;
        }

        return (due, history, requeue, NeedsNetworkConfig: inDhcpWindow && history.DhcpInterfaces is null);
    }

    /// <summary>The slow refresh interval, stretched so that the provider's containers stay within the refresh budget.</summary>
    public static TimeSpan Every(int containers, ContainerControllerSettings s) =>
        RefreshBudget.Every(s.IpRefreshInterval, s.IpRefreshBudgetPerMinute, containers);
}
