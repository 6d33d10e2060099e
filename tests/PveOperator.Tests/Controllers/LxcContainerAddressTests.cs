using PveOperator.Controllers;
using PveOperator.Entities;
using PveSimulator;
using static PveOperator.Tests.Controllers.ContainerHarness;

namespace PveOperator.Tests.Controllers;

/// <summary>ipAddresses and interfaces: read after a start, retried while DHCP is pending, then refreshed slowly.</summary>
public sealed class LxcContainerAddressTests : IAsyncLifetime
{
    /// <summary>DHCP answers this long after the CT started: after the first look, before the first retry.</summary>
    private static readonly TimeSpan DhcpDelay = TimeSpan.FromSeconds(2);
    private ContainerHarness h = null!;

    public async Task InitializeAsync() => h = await ContainerHarness.StartAsync(simulator: o => o with { DhcpDelay = DhcpDelay });

    public async Task DisposeAsync() => await h.DisposeAsync();

    private static SimContainer Leased(SimContainer container) =>
        Addresses.Lease(container, "eth0", "BC:24:11:AA:BB:CC", "192.168.1.50/24", ipv6: "fd00::50/64");

    /// <summary>Starts CT 101 (leasing <paramref name="lease"/> by DHCP, if any) through the reconciler and lets the start task succeed.</summary>
    private async Task<V1Alpha1LxcContainer> StartAsync(bool lease = true)
    {
        var ct = h.AddContainer(101, "pve1", running: false);
        if (lease)
        {
            Leased(ct);
        }
        else
        {
            // Configured for DHCP, but no DHCP server answers.
            ct.Net["net0"] = "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:AA:BB:CC,ip=dhcp,type=veth";
        }

        await h.SyncAsync();
        var container = Container(101);
        await h.ReconcileAsync(container);
        await h.EndTaskAsync(container);
        await h.SyncAsync();
        return container;
    }

    private long AddressReads => h.Counters.Get(PveCalls.Interfaces);

    [Fact]
    public async Task A_started_container_is_asked_for_addresses_until_dhcp_gave_it_an_ipv4()
    {
        var container = await StartAsync();

        var result = await h.ReconcileAsync(container);

        Assert.Equal(1, AddressReads);
        Assert.Equal(After(h.Settings.DhcpRetryInterval), result);
        Assert.Equal(["fd00::50"], container.Status.IpAddresses); // the static IPv6 only: no lease yet
        Assert.Equal(("True", Reasons.Running), Ready(container));

        h.Clock.Advance(h.Settings.DhcpRetryInterval); // DHCP has answered meanwhile
        result = await h.ReconcileAsync(container);

        Assert.Equal(2, AddressReads);
        Assert.Equal(["192.168.1.50", "fd00::50"], container.Status.IpAddresses);
        var eth0 = Assert.Single(container.Status.Interfaces!);
        Assert.Equal(("eth0", "bc:24:11:aa:bb:cc"), (eth0.Name, eth0.Hwaddr));
        Assert.Equal(["192.168.1.50", "fd00::50"], eth0.IpAddresses);
        Assert.InRange(result.Delay, h.Settings.IpRefreshInterval * 0.9, h.Settings.IpRefreshInterval);

        // With an IPv4 the next look is the slow refresh, not the DHCP retry.
        h.Clock.Advance(h.Settings.DhcpRetryInterval);
        await h.ReconcileAsync(container);
        h.Clock.Advance(TimeSpan.FromMinutes(5));
        await h.SyncAsync();
        await h.ReconcileAsync(container);
        Assert.Equal(2, AddressReads);

        h.Clock.Advance(h.Settings.IpRefreshInterval);
        await h.SyncAsync();
        Addresses.Lease(h.Cluster.GetContainer(101)!, "eth0", "BC:24:11:AA:BB:CC", "192.168.1.61/24"); // a new lease, no IPv6
        await h.ReconcileAsync(container);
        Assert.Equal(3, AddressReads);
        Assert.Equal(["192.168.1.61"], container.Status.IpAddresses);
    }

    [Fact]
    public async Task Without_an_ipv4_the_dhcp_retries_end_after_their_window()
    {
        var container = await StartAsync(lease: false);
        await h.ReconcileAsync(container);
        var reads = AddressReads;

        var elapsed = TimeSpan.Zero;
        while (elapsed + h.Settings.DhcpRetryInterval < h.Settings.DhcpRetryWindow)
        {
            h.Clock.Advance(h.Settings.DhcpRetryInterval);
            elapsed += h.Settings.DhcpRetryInterval;
            await h.SyncAsync();
            Assert.Equal(After(h.Settings.DhcpRetryInterval), await h.ReconcileAsync(container));
        }

        Assert.Equal(reads + (int)(elapsed / h.Settings.DhcpRetryInterval), AddressReads);
        reads = AddressReads;

        h.Clock.Advance(h.Settings.DhcpRetryInterval);
        await h.SyncAsync();
        var after = await h.ReconcileAsync(container);
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        await h.SyncAsync();
        await h.ReconcileAsync(container);

        Assert.Equal(reads, AddressReads);
        Assert.True(after.Delay > h.Settings.DhcpRetryInterval && after.Delay <= h.Settings.IpRefreshInterval, after.ToString());
    }

    [Fact]
    public async Task A_static_eth0_does_not_end_the_wait_for_eth1_s_lease()
    {
        var ct = h.AddContainer(101, "pve1", running: false);
        ct.Net["net0"] = "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:AA:BB:01,ip=10.0.0.5/24,type=veth";
        ct.Net["net1"] = "name=eth1,bridge=vmbr1,hwaddr=BC:24:11:AA:BB:02,ip=dhcp,type=veth";
        ct.DhcpAddresses["eth1"] = "192.168.1.60/24";
        await h.SyncAsync();
        var container = Container(101);
        await h.ReconcileAsync(container);
        await h.EndTaskAsync(container);
        await h.SyncAsync();

        // Before the lease: eth0's static address, and a DHCP retry since eth1 has none yet.
        Assert.Equal(After(h.Settings.DhcpRetryInterval), await h.ReconcileAsync(container));
        Assert.Equal(["10.0.0.5"], container.Status.IpAddresses);

        h.Clock.Advance(h.Settings.DhcpRetryInterval); // past the lease's delay
        await h.SyncAsync();
        var after = await h.ReconcileAsync(container);

        Assert.Equal(["10.0.0.5", "192.168.1.60"], container.Status.IpAddresses);
        Assert.True(after.Delay > h.Settings.DhcpRetryInterval, after.ToString());
        Assert.Equal(1, h.Counters.Get(PveCalls.Config));
    }

    [Fact]
    public async Task A_stopped_container_shows_no_addresses()
    {
        Leased(h.AddContainer(101, "pve1", running: true));
        await h.SyncAsync();
        var container = Container(101);
        await h.ReconcileAsync(container);
        Assert.NotNull(container.Status.IpAddresses);

        container.Spec.PowerState = PowerState.Stopped;
        container.Metadata.Generation = 2;
        await h.ReconcileAsync(container);
        await h.EndTaskAsync(container);
        await h.ReconcileAsync(container);

        Assert.Equal(("True", Reasons.Stopped), Ready(container));
        Assert.Null(container.Status.IpAddresses);
        Assert.Null(container.Status.Interfaces);
    }

    [Fact]
    public async Task A_container_found_stopped_loses_its_old_addresses_and_gets_new_ones_after_the_start()
    {
        var ct = Leased(h.AddContainer(101, "pve1", running: true));
        await h.SyncAsync();
        var container = Container(101);
        await h.ReconcileAsync(container);
        Assert.Equal(["192.168.1.50", "fd00::50"], container.Status.IpAddresses);

        // Stopped behind the operator's back; DHCP will hand out another address on the next boot.
        h.Cluster.SetContainerStatus(101, running: false);
        Addresses.Lease(ct, "eth0", "BC:24:11:AA:BB:CC", "192.168.1.77/24");
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        await h.SyncAsync();
        await h.ReconcileAsync(container);

        Assert.False(container.Status.Running);
        Assert.Null(container.Status.IpAddresses);
        Assert.Null(container.Status.Interfaces);

        await h.EndTaskAsync(container);
        await h.ReconcileAsync(container);
        h.Clock.Advance(h.Settings.DhcpRetryInterval);
        await h.ReconcileAsync(container);

        Assert.Equal(("True", Reasons.Running), Ready(container));
        Assert.Equal(["192.168.1.77"], container.Status.IpAddresses);
    }

    [Fact]
    public async Task With_the_refresh_turned_off_addresses_are_read_once_per_start()
    {
        await using var off = await ContainerHarness.StartAsync(new ContainerControllerSettings { IpRefreshInterval = TimeSpan.Zero });
        Leased(off.AddContainer(101, "pve1", running: true));
        await off.SyncAsync();
        var container = Container(101);

        var first = await off.ReconcileAsync(container);
        off.Clock.Advance(TimeSpan.FromHours(3));
        await off.SyncAsync();
        await off.ReconcileAsync(container);

        Assert.Equal(1, off.Counters.Get(PveCalls.Interfaces));
        Assert.Equal(After(off.Settings.ResyncInterval), first);
    }
}
