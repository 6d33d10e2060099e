using PveSimulator;

namespace PveOperator.Tests.Simulator;

public sealed class InterfacesTests
{
    [Fact]
    public async Task Stopped_CT_answers_data_null()
    {
        await using var host = await SimulatorTestHost.StartAsync();

        var response = await host.GetAsync($"/nodes/pve1/lxc/{SimulatorTestHost.StoppedCt}/interfaces");

        Assert.Equal("""{"data":null}""", response.RawBody);
    }

    [Fact]
    public async Task Running_CT_lists_lo_and_its_interfaces_in_both_shapes()
    {
        await using var host = await SimulatorTestHost.StartAsync();

        var interfaces = (await host.GetAsync($"/nodes/pve1/lxc/{SimulatorTestHost.RunningDhcpCt}/interfaces")).Data!.AsArray();

        Assert.Equal(["lo", "eth0"], interfaces.Select(i => i!["name"]!.GetValue<string>()));
        var eth0 = interfaces[1]!;
        Assert.Equal("bc:24:11:89:67:07", eth0["hwaddr"]!.GetValue<string>());
        Assert.Equal("bc:24:11:89:67:07", eth0["hardware-address"]!.GetValue<string>());
        Assert.Equal("192.168.3.95/22", eth0["inet"]!.GetValue<string>());
        // The link-local address of the fixture captured from a real PVE for this MAC.
        Assert.Equal("fe80::be24:11ff:fe89:6707/64", eth0["inet6"]!.GetValue<string>());
        var addresses = eth0["ip-addresses"]!.AsArray();
        Assert.Contains(addresses, a => a!["ip-address"]!.GetValue<string>() == "192.168.3.95" && a["ip-address-type"]!.GetValue<string>() == "inet" && a["prefix"]!.GetValue<int>() == 22);
        Assert.Contains(addresses, a => a!["ip-address-type"]!.GetValue<string>() == "inet6" && a["prefix"]!.GetValue<int>() == 64);
        Assert.Equal("127.0.0.1/8", interfaces[0]!["inet"]!.GetValue<string>());
    }

    [Fact]
    public async Task Dhcp_address_shows_only_after_the_DHCP_delay_while_static_ones_show_at_once()
    {
        var dhcpDelay = TimeSpan.FromSeconds(5);
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { DhcpDelay = dhcpDelay }, fakeTime: true);
        await host.WaitForTaskAsync(await host.SubmitAsync("pve1", SimulatorTestHost.StoppedCt, "start"));
        host.Cluster.SetContainerStatus(SimulatorTestHost.RunningStaticCt, running: false);
        host.Cluster.SetContainerStatus(SimulatorTestHost.RunningStaticCt, running: true);

        var early = (await host.GetAsync($"/nodes/pve1/lxc/{SimulatorTestHost.StoppedCt}/interfaces")).Data!.AsArray()[1]!;
        var staticEarly = (await host.GetAsync($"/nodes/pve2/lxc/{SimulatorTestHost.RunningStaticCt}/interfaces")).Data!.AsArray()[1]!;
        host.Time!.Advance(dhcpDelay);
        var late = (await host.GetAsync($"/nodes/pve1/lxc/{SimulatorTestHost.StoppedCt}/interfaces")).Data!.AsArray()[1]!;

        Assert.Null(early["inet"]);
        Assert.StartsWith("fe80::", early["inet6"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("10.1.1.3/24", staticEarly["inet"]!.GetValue<string>());
        Assert.Equal("192.168.3.96/22", late["inet"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pve_version_7_shape_is_not_served_but_8_1_legacy_keys_stay()
    {
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { Version = PveVersionMode.Pve9 });

        var eth0 = (await host.GetAsync($"/nodes/pve2/lxc/{SimulatorTestHost.RunningStaticCt}/interfaces")).Data!.AsArray()[1]!;

        Assert.NotNull(eth0["inet"]);
        Assert.NotNull(eth0["hwaddr"]);
        Assert.NotNull(eth0["ip-addresses"]);
    }
}
