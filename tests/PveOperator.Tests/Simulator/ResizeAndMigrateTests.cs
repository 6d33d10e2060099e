using System.Globalization;

namespace PveOperator.Tests.Simulator;

/// <summary>PUT resize (lifecycle reference §5) and POST migrate (§8) beyond the basics in ConfigUpdateTests.</summary>
public sealed class ResizeAndMigrateTests
{
    private const string Running = "/nodes/pve1/lxc/100";
    private const string Stopped = "/nodes/pve1/lxc/101";

    [Fact]
    public async Task A_mount_point_grows_by_an_absolute_size_or_by_bare_bytes()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);
        await host.PutAsync(Running + "/config", new Dictionary<string, string> { ["mp0"] = "local-lvm:4,mp=/data" });

        var absolute = await host.PutAsync(Running + "/resize", new Dictionary<string, string> { ["disk"] = "mp0", ["size"] = "6G" });
        await host.WaitForTaskAsync(absolute.Data!.GetValue<string>());
        var bytes = await host.PutAsync(Running + "/resize", new Dictionary<string, string> { ["disk"] = "mp0", ["size"] = (7L << 30).ToString(CultureInfo.InvariantCulture) });
        await host.WaitForTaskAsync(bytes.Data!.GetValue<string>());
        var shrink = await host.PutAsync(Running + "/resize", new Dictionary<string, string> { ["disk"] = "mp0", ["size"] = "5G" });

        Assert.Equal("local-lvm:vm-100-disk-1,mp=/data,size=7G", host.Cluster.GetContainer(100)!.ConfigValue("mp0"));
        Assert.Equal((500, "unable to shrink disk size"), (shrink.Code, shrink.Reason));
        Assert.True(host.Cluster.GetContainer(100)!.Running);
        Assert.Equal(2, host.Server.Counters.Tasks("resize"));
    }

    [Fact]
    public async Task Resize_checks_the_disk_the_size_and_the_digest()
    {
        await using var host = await SimulatorTestHost.StartAsync();

        var missing = await host.PutAsync(Stopped + "/resize", new Dictionary<string, string> { ["disk"] = "mp3", ["size"] = "+1G" });
        var badDisk = await host.PutAsync(Stopped + "/resize", new Dictionary<string, string> { ["disk"] = "net0", ["size"] = "+1G" });
        var badSize = await host.PutAsync(Stopped + "/resize", new Dictionary<string, string> { ["disk"] = "rootfs", ["size"] = "1Gi" });
        var stale = await host.PutAsync(Stopped + "/resize", new Dictionary<string, string> { ["disk"] = "rootfs", ["size"] = "+1G", ["digest"] = new string('0', 40) });

        Assert.Equal(500, missing.Code);
        Assert.Equal(400, badDisk.Code);
        Assert.Equal("value does not match the regex pattern", badSize.Body!["errors"]!["size"]!.GetValue<string>());
        Assert.Equal((500, "detected modified configuration - file changed by other user? Try again."), (stale.Code, stale.Reason));
    }

    [Fact]
    public async Task Restart_mode_shows_the_CT_stopped_and_locked_while_it_moves_and_applies_its_pending_changes()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);
        await host.PutAsync(Running + "/config", new Dictionary<string, string> { ["nameserver"] = "9.9.9.9" });

        var accepted = await host.PostAsync(Running + "/migrate", new Dictionary<string, string> { ["target"] = "pve2", ["restart"] = "1" });
        var during = await host.GetAsync(Running + "/status/current");
        var task = await host.WaitForTaskAsync(accepted.Data!.GetValue<string>());
        var moved = host.Cluster.GetContainer(100)!;

        Assert.Equal("stopped", during.Data!["status"]!.GetValue<string>());
        Assert.Equal("migrate", during.Data!["lock"]!.GetValue<string>());
        Assert.Equal("OK", task.Data!["exitstatus"]!.GetValue<string>());
        Assert.Equal(("pve2", true, null), (moved.Node, moved.Running, moved.Lock));
        Assert.Equal("9.9.9.9", moved.ConfigValue("nameserver"));
        // The config left pve1: the old node no longer knows the CT.
        Assert.Equal(500, (await host.GetAsync(Running + "/status/current")).Code);
    }

    [Fact]
    public async Task Online_migration_of_a_running_CT_fails_in_its_task_and_a_stopped_CT_moves_stopped()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);

        var online = await host.PostAsync(Running + "/migrate", new Dictionary<string, string> { ["target"] = "pve2", ["online"] = "1" });
        var onlineTask = await host.WaitForTaskAsync(online.Data!.GetValue<string>());
        var offline = await host.PostAsync(Stopped + "/migrate", new Dictionary<string, string> { ["target"] = "pve2" });
        var offlineTask = await host.WaitForTaskAsync(offline.Data!.GetValue<string>());

        Assert.Equal("lxc live migration is currently not implemented", onlineTask.Data!["exitstatus"]!.GetValue<string>());
        Assert.Equal(("pve1", true), (host.Cluster.GetContainer(100)!.Node, host.Cluster.GetContainer(100)!.Running));
        Assert.Equal("OK", offlineTask.Data!["exitstatus"]!.GetValue<string>());
        Assert.Equal(("pve2", false), (host.Cluster.GetContainer(101)!.Node, host.Cluster.GetContainer(101)!.Running));
    }
}
