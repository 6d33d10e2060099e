using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PveSimulator;

namespace PveOperator.Tests.Simulator;

/// <summary>/cluster/resources and status/current derive their sizes from the config (lifecycle reference §12.1, §12.2).</summary>
public sealed class ResourcesFollowConfigTests
{
    private const long MiB = 1L << 20;
    private const long GiB = 1L << 30;

    private static async Task<JsonNode> EntryAsync(SimulatorTestHost host, int vmid) =>
        (await host.GetAsync("/cluster/resources?type=vm")).Data!.AsArray().Single(e => e!["vmid"]!.GetValue<int>() == vmid)!;

    [Fact]
    public async Task Memory_cores_disk_name_and_tags_follow_a_config_write_at_the_next_sample()
    {
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { ResourcesRefreshInterval = TimeSpan.FromSeconds(10) }, fakeTime: true);

        await host.PutAsync("/nodes/pve1/lxc/101/config", new Dictionary<string, string> { ["memory"] = "2048", ["cores"] = "3", ["hostname"] = "db2", ["tags"] = "b;a" });
        var resize = await host.PutAsync("/nodes/pve1/lxc/101/resize", new Dictionary<string, string> { ["disk"] = "rootfs", ["size"] = "+512M" });
        await host.WaitForTaskAsync(resize.Data!.GetValue<string>());
        var lagging = await EntryAsync(host, 101);
        host.Time!.Advance(TimeSpan.FromSeconds(10));
        var sampled = await EntryAsync(host, 101);

        // Tags come from pmxcfs (live); the sizes and the name from the RRD (sampled).
        Assert.Equal("a;b", lagging["tags"]!.GetValue<string>());
        Assert.Equal(512 * MiB, lagging["maxmem"]!.GetValue<long>());
        Assert.Equal("db", lagging["name"]!.GetValue<string>());
        Assert.Equal(2048 * MiB, sampled["maxmem"]!.GetValue<long>());
        Assert.Equal(3, sampled["maxcpu"]!.GetValue<int>());
        Assert.Equal(8 * GiB + 512 * MiB, sampled["maxdisk"]!.GetValue<long>());
        Assert.Equal("db2", sampled["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_change_made_behind_the_APIs_back_shows_the_same_way()
    {
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { ResourcesRefreshInterval = TimeSpan.Zero });
        using var admin = host.CreateClient(authorization: null);

        await admin.PostAsJsonAsync("/_sim/containers/100/config", new Dictionary<string, object?> { ["memory"] = 3072, ["tags"] = "manual", ["hostname"] = "edited" });
        var entry = await EntryAsync(host, 100);
        var status = (await host.GetAsync("/nodes/pve1/lxc/100/status/current")).Data!;

        Assert.Equal(3072 * MiB, entry["maxmem"]!.GetValue<long>());
        Assert.Equal("manual", entry["tags"]!.GetValue<string>());
        Assert.Equal("edited", entry["name"]!.GetValue<string>());
        Assert.Equal(3072 * MiB, status["maxmem"]!.GetValue<long>());
        Assert.Equal("edited", status["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("2", null, 2.0)]
    [InlineData("2", "1.5", 2.0)]
    [InlineData(null, "1.5", 1.5)]
    [InlineData(null, null, 8.0)]
    public async Task Cpus_are_cores_else_cpulimit_else_the_hosts_count(string? cores, string? cpulimit, double expected)
    {
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { ResourcesRefreshInterval = TimeSpan.Zero });
        host.Cluster.UpdateContainer(101, c =>
        {
            c.Config.Set("cores", cores);
            c.Config.Set("cpulimit", cpulimit);
        });

        var entry = await EntryAsync(host, 101);
        var status = (await host.GetAsync("/nodes/pve1/lxc/101/status/current")).Data!;

        Assert.Equal(expected, entry["maxcpu"]!.GetValue<double>());
        Assert.Equal(expected, status["cpus"]!.GetValue<double>());
    }

    [Fact]
    public async Task Maxdisk_is_the_rootfs_size_in_bytes()
    {
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { ResourcesRefreshInterval = TimeSpan.Zero });
        host.Cluster.UpdateContainer(101, c => c.Rootfs = "local-lvm:vm-101-disk-0,size=1536M");

        var entry = await EntryAsync(host, 101);

        Assert.Equal(1536 * MiB, entry["maxdisk"]!.GetValue<long>());
    }
}
