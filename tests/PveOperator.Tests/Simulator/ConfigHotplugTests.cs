using System.Text.Json.Nodes;

namespace PveOperator.Tests.Simulator;

/// <summary>A running CT: what it takes at once and what waits in [pve:pending] for its next start (lifecycle reference §4.4).</summary>
public sealed class ConfigHotplugTests
{
    private const string Running = "/nodes/pve1/lxc/100";

    private static async Task<IReadOnlyList<string>> PendingKeysAsync(SimulatorTestHost host) =>
        (await host.GetAsync(Running + "/pending")).Data!.AsArray()
            .Where(e => e!["pending"] is not null || e["delete"] is not null)
            .Select(e => e!["key"]!.GetValue<string>())
            .Order(StringComparer.Ordinal)
            .ToArray();

    [Fact]
    public async Task Fast_plug_and_hot_applied_keys_take_effect_at_once()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.UpdateContainer(100, c => { c.Description = "old"; c.Tags = "a"; });

        var response = await host.PutAsync(Running + "/config", new Dictionary<string, string>
        {
            ["hostname"] = "web2", ["cores"] = "2", ["cpulimit"] = "1.5", ["cpuunits"] = "300", ["memory"] = "1024", ["swap"] = "256",
            ["onboot"] = "1", ["startup"] = "order=3", ["protection"] = "1", ["tags"] = "b",
            ["net0"] = "name=eth0,bridge=vmbr1,hwaddr=BC:24:11:89:67:07,ip=10.0.0.5/24,gw=10.0.0.1,type=veth",
            ["net1"] = "name=eth1,bridge=vmbr0,ip=dhcp",
            ["delete"] = "description",
        });
        var current = (await host.GetAsync(Running + "/config?current=1")).Data!;

        Assert.Equal(200, response.Code);
        Assert.Empty(await PendingKeysAsync(host));
        Assert.Equal("web2", current["hostname"]!.GetValue<string>());
        Assert.Equal(1024, current["memory"]!.GetValue<int>());
        Assert.Equal("1.5", current["cpulimit"]!.GetValue<string>());
        Assert.Equal("name=eth0,bridge=vmbr1,gw=10.0.0.1,hwaddr=BC:24:11:89:67:07,ip=10.0.0.5/24,type=veth", current["net0"]!.GetValue<string>());
        Assert.StartsWith("name=eth1,bridge=vmbr0,hwaddr=BC:24:11:", current["net1"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(current["description"]);
        Assert.Equal("b", current["tags"]!.GetValue<string>());
        Assert.True(host.Cluster.GetContainer(100)!.Running);
    }

    [Fact]
    public async Task Features_dns_and_changes_to_existing_mount_points_wait_for_the_next_start()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.UpdateContainer(100, c => c.Config.Set("mp0", "local-lvm:vm-100-disk-1,mp=/data,backup=1,size=4G"));

        await host.PutAsync(Running + "/config", new Dictionary<string, string>
        {
            ["features"] = "nesting=0", ["nameserver"] = "9.9.9.9", ["searchdomain"] = "lan", ["mp0"] = "local-lvm:vm-100-disk-1,mp=/srv,backup=0,size=4G",
        });
        var merged = (await host.GetAsync(Running + "/config")).Data!;
        var current = (await host.GetAsync(Running + "/config?current=1")).Data!;

        Assert.Equal(["features", "mp0", "nameserver", "searchdomain"], await PendingKeysAsync(host));
        Assert.Equal("nesting=0", merged["features"]!.GetValue<string>());
        Assert.Equal("nesting=1", current["features"]!.GetValue<string>());
        Assert.Equal("local-lvm:vm-100-disk-1,mp=/data,backup=1,size=4G", current["mp0"]!.GetValue<string>());
        Assert.Null(current["nameserver"]);
    }

    [Fact]
    public async Task A_new_mount_point_is_hotplugged_and_removing_one_waits()
    {
        await using var host = await SimulatorTestHost.StartAsync();

        await host.PutAsync(Running + "/config", new Dictionary<string, string> { ["mp0"] = "local-lvm:8,mp=/data,backup=1" });
        var added = host.Cluster.GetContainer(100)!.ConfigValue("mp0");
        await host.PutAsync(Running + "/config", new Dictionary<string, string> { ["delete"] = "mp0" });

        Assert.Equal("local-lvm:vm-100-disk-1,mp=/data,backup=1,size=8G", added);
        Assert.Equal(["mp0"], await PendingKeysAsync(host));
        Assert.Equal(added, host.Cluster.GetContainer(100)!.ConfigValue("mp0"));
    }

    [Fact]
    public async Task Removing_an_interface_or_swap_applies_at_once()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.UpdateContainer(100, c => c.Config.Set("net1", "name=eth1,bridge=vmbr0,hwaddr=BC:24:11:00:00:09,ip=dhcp,type=veth"));

        await host.PutAsync(Running + "/config", new Dictionary<string, string> { ["delete"] = "net1,swap" });
        var current = (await host.GetAsync(Running + "/config?current=1")).Data!;

        Assert.Null(current["net1"]);
        Assert.Null(current["swap"]);
        Assert.Empty(await PendingKeysAsync(host));
    }

    [Fact]
    public async Task A_reboot_applies_what_was_pending_and_the_CT_runs_again()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);
        await host.PutAsync(Running + "/config", new Dictionary<string, string> { ["features"] = "nesting=0", ["nameserver"] = "9.9.9.9" });
        var pendingBefore = await PendingKeysAsync(host);

        var task = await host.WaitForTaskAsync(await host.SubmitAsync("pve1", 100, "reboot"));
        var current = (await host.GetAsync(Running + "/config?current=1")).Data!;

        Assert.Equal(["features", "nameserver"], pendingBefore);
        Assert.Equal("OK", task.Data!["exitstatus"]!.GetValue<string>());
        Assert.Empty(await PendingKeysAsync(host));
        Assert.Equal("nesting=0", current["features"]!.GetValue<string>());
        Assert.Equal("9.9.9.9", current["nameserver"]!.GetValue<string>());
        Assert.Equal("running", await host.StatusOfAsync("pve1", 100));
    }

    [Fact]
    public async Task A_pending_only_write_changes_the_digest_and_pending_reports_it()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        var before = DigestOf((await host.GetAsync(Running + "/pending")).Data!);

        await host.PutAsync(Running + "/config", new Dictionary<string, string> { ["searchdomain"] = "lan", ["digest"] = before });
        var after = DigestOf((await host.GetAsync(Running + "/pending")).Data!);
        var stale = await host.PutAsync(Running + "/config", new Dictionary<string, string> { ["memory"] = "1024", ["digest"] = before });

        Assert.NotEqual(before, after);
        Assert.Equal((await host.GetAsync(Running + "/config")).Data!["digest"]!.GetValue<string>(), after);
        Assert.Contains("[pve:pending]\nsearchdomain: lan\n", host.Cluster.GetContainer(100)!.Config.Render(), StringComparison.Ordinal);
        Assert.Equal((500, "detected modified configuration - file changed by other user? Try again."), (stale.Code, stale.Reason));
    }

    [Fact]
    public async Task Setting_a_pending_key_back_to_its_current_value_drops_it_from_pending()
    {
        await using var host = await SimulatorTestHost.StartAsync();

        await host.PutAsync(Running + "/config", new Dictionary<string, string> { ["features"] = "nesting=0" });
        await host.PutAsync(Running + "/config", new Dictionary<string, string> { ["features"] = "nesting=1" });

        Assert.Empty(await PendingKeysAsync(host));
    }

    private static string DigestOf(JsonNode pending) =>
        pending.AsArray().Single(e => e!["key"]!.GetValue<string>() == "digest")!["value"]!.GetValue<string>();
}
