using System.Text.Json;

namespace PveOperator.Tests.Simulator;

public sealed class ConfigEndpointTests
{
    [Fact]
    public async Task Config_shows_pending_values_by_default_and_the_values_in_effect_with_current()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        var container = host.Cluster.GetContainer(SimulatorTestHost.RunningDhcpCt)!;
        container.Config.SetPending("memory", "2048");

        var merged = (await host.GetAsync($"/nodes/pve1/lxc/{SimulatorTestHost.RunningDhcpCt}/config")).Data!;
        var current = (await host.GetAsync($"/nodes/pve1/lxc/{SimulatorTestHost.RunningDhcpCt}/config?current=1")).Data!;

        Assert.Equal(2048, merged["memory"]!.GetValue<int>());
        Assert.Equal(512, current["memory"]!.GetValue<int>());
        Assert.Equal(container.Config.Digest, merged["digest"]!.GetValue<string>());
        Assert.Equal(merged["digest"]!.GetValue<string>(), current["digest"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Number, merged["unprivileged"]!.GetValueKind());
        Assert.Equal("web", merged["hostname"]!.GetValue<string>());
        Assert.StartsWith("name=eth0,", merged["net0"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Current_and_snapshot_together_are_refused_on_both_keys()
    {
        await using var host = await SimulatorTestHost.StartAsync();

        var response = await host.GetAsync($"/nodes/pve1/lxc/{SimulatorTestHost.StoppedCt}/config?current=1&snapshot=s1");

        Assert.Equal(400, response.Code);
        Assert.Equal("cannot use 'snapshot' parameter with 'current'", response.Body!["errors"]!["current"]!.GetValue<string>());
        Assert.Equal("cannot use 'snapshot' parameter with 'current'", response.Body!["errors"]!["snapshot"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pending_lists_every_key_with_value_pending_and_delete_plus_the_digest()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        var container = host.Cluster.GetContainer(SimulatorTestHost.RunningDhcpCt)!;
        container.Config.SetPending("memory", "2048");
        container.Config.SetPending("searchdomain", "lan");
        container.Config.DeletePending("swap");

        var entries = (await host.GetAsync($"/nodes/pve1/lxc/{SimulatorTestHost.RunningDhcpCt}/pending")).Data!.AsArray();
        var byKey = entries.ToDictionary(e => e!["key"]!.GetValue<string>(), e => e!);

        Assert.Equal(512, byKey["memory"]["value"]!.GetValue<int>());
        Assert.Equal(2048, byKey["memory"]["pending"]!.GetValue<int>());
        Assert.Null(byKey["searchdomain"]["value"]);
        Assert.Equal("lan", byKey["searchdomain"]["pending"]!.GetValue<string>());
        Assert.Equal(1, byKey["swap"]["delete"]!.GetValue<int>());
        Assert.Null(byKey["cores"]["pending"]);
        Assert.Equal(container.Config.Digest, byKey["digest"]["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_start_applies_what_was_left_pending()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);
        var container = host.Cluster.GetContainer(SimulatorTestHost.StoppedCt)!;
        container.Config.SetPending("memory", "4096");

        await host.WaitForTaskAsync(await host.SubmitAsync("pve1", SimulatorTestHost.StoppedCt, "start"));

        var current = (await host.GetAsync($"/nodes/pve1/lxc/{SimulatorTestHost.StoppedCt}/config?current=1")).Data!;
        Assert.Equal(4096, current["memory"]!.GetValue<int>());
        Assert.False(container.Config.HasPending);
        Assert.Equal(4096, container.MemoryMb);
    }
}
