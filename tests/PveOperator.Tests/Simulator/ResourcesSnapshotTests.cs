using PveSimulator;

namespace PveOperator.Tests.Simulator;

public sealed class ResourcesSnapshotTests
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Status_lags_until_the_next_refresh()
    {
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { ResourcesRefreshInterval = Refresh }, fakeTime: true);
        await host.WaitForTaskAsync(await host.SubmitAsync("pve1", SimulatorTestHost.RunningDhcpCt, "stop"));

        var fresh = await host.StatusOfAsync("pve1", SimulatorTestHost.RunningDhcpCt);
        var lagging = await ResourceStatusAsync(host, SimulatorTestHost.RunningDhcpCt);
        host.Time!.Advance(Refresh);
        var refreshed = await ResourceStatusAsync(host, SimulatorTestHost.RunningDhcpCt);

        Assert.Equal("stopped", fresh);
        Assert.Equal("running", lagging);
        Assert.Equal("stopped", refreshed);
    }

    [Fact]
    public async Task Entries_have_the_PVE_shape()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);
        host.Cluster.SetLock(SimulatorTestHost.StoppedCt, "backup");
        host.Cluster.GetContainer(SimulatorTestHost.RunningStaticCt)!.HaManaged = true;

        var entries = (await host.GetAsync("/cluster/resources?type=vm")).Data!.AsArray();
        var running = entries.Single(e => e!["vmid"]!.GetValue<int>() == SimulatorTestHost.RunningDhcpCt)!;
        var locked = entries.Single(e => e!["vmid"]!.GetValue<int>() == SimulatorTestHost.StoppedCt)!;
        var ha = entries.Single(e => e!["vmid"]!.GetValue<int>() == SimulatorTestHost.RunningStaticCt)!;

        Assert.Equal(3, entries.Count);
        Assert.Equal("lxc/100", running["id"]!.GetValue<string>());
        Assert.Equal("lxc", running["type"]!.GetValue<string>());
        Assert.Equal("pve1", running["node"]!.GetValue<string>());
        Assert.Equal("web", running["name"]!.GetValue<string>());
        Assert.Equal(0, running["template"]!.GetValue<int>());
        Assert.Null(running["lock"]);
        Assert.Null(running["hastate"]);
        // Lock and HA state come from pmxcfs, not from the lagging RRD.
        Assert.Equal("backup", locked["lock"]!.GetValue<string>());
        Assert.Equal("started", ha["hastate"]!.GetValue<string>());
    }

    [Fact]
    public async Task Node_moves_show_at_once_while_status_waits_for_a_refresh()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);
        host.Cluster.MigrateContainer(SimulatorTestHost.RunningDhcpCt, "pve2");
        host.Cluster.SetContainerStatus(SimulatorTestHost.RunningDhcpCt, running: false);

        var entry = await ResourceEntryAsync(host, SimulatorTestHost.RunningDhcpCt);
        host.Cluster.RefreshResources();
        var refreshed = await ResourceEntryAsync(host, SimulatorTestHost.RunningDhcpCt);

        Assert.Equal("pve2", entry["node"]!.GetValue<string>());
        Assert.Equal("running", entry["status"]!.GetValue<string>());
        Assert.Equal("stopped", refreshed["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Zero_refresh_interval_means_no_lag()
    {
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { ResourcesRefreshInterval = TimeSpan.Zero });
        host.Cluster.SetContainerStatus(SimulatorTestHost.RunningDhcpCt, running: false);

        Assert.Equal("stopped", await ResourceStatusAsync(host, SimulatorTestHost.RunningDhcpCt));
    }

    [Fact]
    public async Task Without_a_type_nodes_are_listed_too()
    {
        await using var host = await SimulatorTestHost.StartAsync();

        var entries = (await host.GetAsync("/cluster/resources")).Data!.AsArray();

        Assert.Contains(entries, e => e!["id"]!.GetValue<string>() == "node/pve1" && e["status"]!.GetValue<string>() == "online");
        Assert.Contains(entries, e => e!["id"]!.GetValue<string>() == "lxc/102");
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> ResourceEntryAsync(SimulatorTestHost host, int vmid) =>
        (await host.GetAsync("/cluster/resources?type=vm")).Data!.AsArray().Single(e => e!["vmid"]!.GetValue<int>() == vmid)!;

    private static async Task<string> ResourceStatusAsync(SimulatorTestHost host, int vmid) =>
        (await ResourceEntryAsync(host, vmid))["status"]!.GetValue<string>();
}
