using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.Proxmox;
using static PveOperator.Tests.Controllers.ContainerHarness;

namespace PveOperator.Tests.Controllers;

/// <summary>ipAddresses and interfaces: read after a start, retried while DHCP is pending, then refreshed slowly.</summary>
public sealed class LxcContainerAddressTests : IDisposable
{
    private static readonly PveContainerAddresses Leased = Addresses.Of(("eth0", "BC:24:11:AA:BB:CC", ["192.168.1.50/24", "fd00::50/64"]));
    private readonly ContainerHarness h = new();

    public void Dispose() => h.Dispose();

    /// <summary>Starts CT 101 through the reconciler and lets the start task succeed; the snapshot catches up.</summary>
    private async Task<V1Alpha1LxcContainer> StartAsync()
    {
        h.Pve.AddContainer(101, "pve1", "stopped");
        h.Sync();
        var container = Container(101);
        await h.ReconcileAsync(container);
        h.Pve.Finish(h.Pve.Issued[^1]);
        h.Sync();
        return container;
    }

    private int AddressReads => h.Pve.CountOf("addresses");

    [Fact]
    public async Task A_started_container_is_asked_for_addresses_until_dhcp_gave_it_an_ipv4()
    {
        var container = await StartAsync();

        var result = await h.ReconcileAsync(container);

        Assert.Equal(1, AddressReads);
        Assert.Equal(After(h.Settings.DhcpRetryInterval), result);
        Assert.Null(container.Status.IpAddresses);
        Assert.Null(container.Status.Interfaces);
        Assert.Equal(("True", Reasons.Running), Ready(container));

        h.Clock.Advance(h.Settings.DhcpRetryInterval);
        h.Pve.Addresses[101] = Leased;
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
        h.Sync();
        await h.ReconcileAsync(container);
        Assert.Equal(2, AddressReads);

        h.Clock.Advance(h.Settings.IpRefreshInterval);
        h.Sync();
        h.Pve.Addresses[101] = Addresses.Of(("eth0", "BC:24:11:AA:BB:CC", ["192.168.1.61/24"]));
        await h.ReconcileAsync(container);
        Assert.Equal(3, AddressReads);
        Assert.Equal(["192.168.1.61"], container.Status.IpAddresses);
    }

    [Fact]
    public async Task Without_an_ipv4_the_dhcp_retries_end_after_their_window()
    {
        var container = await StartAsync();
        await h.ReconcileAsync(container);
        var reads = AddressReads;

        var elapsed = TimeSpan.Zero;
        while (elapsed + h.Settings.DhcpRetryInterval < h.Settings.DhcpRetryWindow)
        {
            h.Clock.Advance(h.Settings.DhcpRetryInterval);
            elapsed += h.Settings.DhcpRetryInterval;
            h.Sync();
            Assert.Equal(After(h.Settings.DhcpRetryInterval), await h.ReconcileAsync(container));
        }

        Assert.Equal(reads + (int)(elapsed / h.Settings.DhcpRetryInterval), AddressReads);
        reads = AddressReads;

        h.Clock.Advance(h.Settings.DhcpRetryInterval);
        h.Sync();
        var after = await h.ReconcileAsync(container);
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        h.Sync();
        await h.ReconcileAsync(container);

        Assert.Equal(reads, AddressReads);
        Assert.True(after.Delay > h.Settings.DhcpRetryInterval && after.Delay <= h.Settings.IpRefreshInterval, after.ToString());
    }

    [Fact]
    public async Task A_stopped_container_shows_no_addresses()
    {
        h.Pve.AddContainer(101, "pve1", "running");
        h.Pve.Addresses[101] = Leased;
        h.Sync();
        var container = Container(101);
        await h.ReconcileAsync(container);
        Assert.NotNull(container.Status.IpAddresses);

        container.Spec.PowerState = PowerState.Stopped;
        container.Metadata.Generation = 2;
        await h.ReconcileAsync(container);
        h.Pve.Finish(h.Pve.Issued[^1]);
        await h.ReconcileAsync(container);

        Assert.Equal(("True", Reasons.Stopped), Ready(container));
        Assert.Null(container.Status.IpAddresses);
        Assert.Null(container.Status.Interfaces);
    }

    [Fact]
    public async Task A_container_found_stopped_loses_its_old_addresses_and_gets_new_ones_after_the_start()
    {
        h.Pve.AddContainer(101, "pve1", "running");
        h.Pve.Addresses[101] = Leased;
        h.Sync();
        var container = Container(101);
        await h.ReconcileAsync(container);
        Assert.Equal(["192.168.1.50", "fd00::50"], container.Status.IpAddresses);

        // Stopped behind the operator's back; DHCP will hand out another address on the next boot.
        h.Pve.Containers[101].Status = "stopped";
        h.Pve.Addresses[101] = Addresses.Of(("eth0", "BC:24:11:AA:BB:CC", ["192.168.1.77/24"]));
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        h.Sync();
        await h.ReconcileAsync(container);

        Assert.False(container.Status.Running);
        Assert.Null(container.Status.IpAddresses);
        Assert.Null(container.Status.Interfaces);

        h.Pve.Finish(h.Pve.Issued[^1]);
        await h.ReconcileAsync(container);

        Assert.Equal(("True", Reasons.Running), Ready(container));
        Assert.Equal(["192.168.1.77"], container.Status.IpAddresses);
    }

    [Fact]
    public async Task With_the_refresh_turned_off_addresses_are_read_once_per_start()
    {
        using var off = new ContainerHarness(new ContainerControllerSettings { IpRefreshInterval = TimeSpan.Zero });
        off.Pve.AddContainer(101, "pve1", "running");
        off.Pve.Addresses[101] = Leased;
        off.Sync();
        var container = Container(101);

        var first = await off.ReconcileAsync(container);
        off.Clock.Advance(TimeSpan.FromHours(3));
        off.Sync();
        await off.ReconcileAsync(container);

        Assert.Equal(1, off.Pve.CountOf("addresses"));
        Assert.Equal(After(off.Settings.ResyncInterval), first);
    }
}
