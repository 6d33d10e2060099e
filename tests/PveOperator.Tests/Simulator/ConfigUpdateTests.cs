namespace PveOperator.Tests.Simulator;

public sealed class ConfigUpdateTests
{
    private const string Running = "/nodes/pve1/lxc/100";
    private const string Stopped = "/nodes/pve1/lxc/101";

    [Fact]
    public async Task A_stopped_CT_takes_every_change_at_once_and_PUT_answers_null()
    {
        await using var host = await SimulatorTestHost.StartAsync();

        var response = await host.PutAsync(Stopped + "/config", new Dictionary<string, string>
        {
            ["memory"] = "2048", ["nameserver"] = "1.1.1.1;9.9.9.9", ["features"] = "nesting=1", ["tags"] = "B,a", ["delete"] = "swap",
        });
        var config = (await host.GetAsync(Stopped + "/config?current=1")).Data!;

        Assert.Equal("""{"data":null}""", response.RawBody);
        Assert.Equal(2048, config["memory"]!.GetValue<int>());
        Assert.Equal("1.1.1.1 9.9.9.9", config["nameserver"]!.GetValue<string>());
        Assert.Equal("a;b", config["tags"]!.GetValue<string>());
        Assert.Null(config["swap"]);
        Assert.DoesNotContain((await host.GetAsync(Stopped + "/pending")).Data!.AsArray(), e => e!["pending"] is not null || e["delete"] is not null);
    }

    [Fact]
    public async Task A_running_CT_takes_hotplug_keys_now_and_leaves_the_rest_pending_until_its_next_start()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);

        await host.PutAsync(Running + "/config", new Dictionary<string, string>
        {
            ["memory"] = "1024", ["cores"] = "2", ["hostname"] = "web2", ["nameserver"] = "1.1.1.1", ["features"] = "nesting=0", ["delete"] = "swap",
        });
        var current = (await host.GetAsync(Running + "/config?current=1")).Data!;
        var pending = (await host.GetAsync(Running + "/pending")).Data!.AsArray()
            .Where(e => e!["pending"] is not null || e["delete"] is not null).Select(e => e!["key"]!.GetValue<string>());

        Assert.Equal((1024, 2, "web2"), (current["memory"]!.GetValue<int>(), current["cores"]!.GetValue<int>(), current["hostname"]!.GetValue<string>()));
        Assert.Null(current["swap"]);
        Assert.Null(current["nameserver"]);
        Assert.Equal(["features", "nameserver"], pending.Order(StringComparer.Ordinal));

        await host.WaitForTaskAsync(await host.SubmitAsync("pve1", 100, "stop"));
        await host.WaitForTaskAsync(await host.SubmitAsync("pve1", 100, "start"));
        var applied = (await host.GetAsync(Running + "/config?current=1")).Data!;

        Assert.Equal("1.1.1.1", applied["nameserver"]!.GetValue<string>());
        Assert.Equal("nesting=0", applied["features"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_stale_digest_is_refused_and_every_write_changes_the_digest()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        var digest = (await host.GetAsync(Stopped + "/config")).Data!["digest"]!.GetValue<string>();

        var first = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["memory"] = "768", ["digest"] = digest });
        var stale = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["memory"] = "1024", ["digest"] = digest });

        Assert.Equal(200, first.Code);
        Assert.Equal((500, "detected modified configuration - file changed by other user? Try again."), (stale.Code, stale.Reason));
        Assert.Equal(768, host.Cluster.GetContainer(101)!.MemoryMb);
    }

    [Theory]
    [InlineData("memory", "8", 400, "memory", "value must have a minimum value of 16")]
    [InlineData("cores", "x", 400, "cores", "type check ('integer') failed - got 'x'")]
    [InlineData("hostname", "bad_name", 400, "hostname", "invalid format - value does not look like a valid DNS name")]
    [InlineData("delete", "nosuchkey", 400, "delete", "unknown option 'nosuchkey'")]
    public async Task Invalid_values_are_a_400_naming_the_parameter(string key, string value, int status, string errorKey, string error)
    {
        await using var host = await SimulatorTestHost.StartAsync();

        var response = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { [key] = value });

        Assert.Equal(status, response.Code);
        Assert.Equal(error, response.Body!["errors"]![errorKey]!.GetValue<string>());
    }

    [Theory]
    [InlineData("delete", "memory", "unable to delete required option 'memory'")]
    [InlineData("unprivileged", "0", "unable to modify read-only option: 'unprivileged'")]
    [InlineData("delete", "unprivileged", "unable to delete read-only option: 'unprivileged'")]
    public async Task Required_and_read_only_options_are_refused(string key, string value, string reason)
    {
        await using var host = await SimulatorTestHost.StartAsync();

        var response = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { [key] = value });

        Assert.Equal((500, reason), (response.Code, response.Reason));
    }

    [Fact]
    public async Task Locked_CTs_no_options_and_setting_and_deleting_one_key_are_refused()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        var digestOnly = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["digest"] = "abc" });
        var both = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["memory"] = "1024", ["delete"] = "memory" });
        host.Cluster.SetLock(101, "backup");
        var locked = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["memory"] = "1024" });

        Assert.Equal((500, "no options specified"), (digestOnly.Code, digestOnly.Reason));
        Assert.Equal("you can't use '-memory' and -delete memory' at the same time", both.Body!["errors"]!["delete"]!.GetValue<string>());
        Assert.Equal((500, "CT is locked (backup)"), (locked.Code, locked.Reason));
    }

    [Fact]
    public async Task Each_key_needs_its_own_privilege()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.AddToken("mem@pve!k8s", "secret", "VM.Config.Memory");
        using var memoryOnly = host.CreateClient("PVEAPIToken=mem@pve!k8s=secret");
        host.Cluster.AddToken("none@pve!k8s", "secret", "VM.Audit");
        using var none = host.CreateClient("PVEAPIToken=none@pve!k8s=secret");

        var memory = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["memory"] = "1024" }, memoryOnly);
        var cores = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["cores"] = "2" }, memoryOnly);
        var nothing = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["memory"] = "1024" }, none);

        Assert.Equal(200, memory.Code);
        Assert.Equal((403, "Permission check failed (/vms/101, VM.Config.CPU)"), (cores.Code, cores.Reason));
        Assert.Equal((403, "Permission check failed (/vms/101, VM.Config.Disk|VM.Config.CPU|VM.Config.Memory|VM.Config.Network|VM.Config.Options)"), (nothing.Code, nothing.Reason));
    }

    [Fact]
    public async Task A_new_mount_point_on_a_stopped_CT_gets_a_volume()
    {
        await using var host = await SimulatorTestHost.StartAsync();

        await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["mp0"] = "local-lvm:16,mp=/data,backup=1" });

        Assert.Equal("local-lvm:vm-101-disk-1,mp=/data,backup=1,size=16G", host.Cluster.GetContainer(101)!.Config.Get("mp0"));
    }

    [Fact]
    public async Task Resize_grows_in_a_resize_task_and_refuses_to_shrink()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);

        var grow = await host.PutAsync(Stopped + "/resize", new Dictionary<string, string> { ["disk"] = "rootfs", ["size"] = "+2G" });
        var task = await host.WaitForTaskAsync(grow.Data!.GetValue<string>());
        var shrink = await host.PutAsync(Stopped + "/resize", new Dictionary<string, string> { ["disk"] = "rootfs", ["size"] = "4G" });
        var same = await host.PutAsync(Stopped + "/resize", new Dictionary<string, string> { ["disk"] = "rootfs", ["size"] = "10G" });

        Assert.Contains(":resize:101:", grow.Data!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("OK", task.Data!["exitstatus"]!.GetValue<string>());
        Assert.Equal("local-lvm:vm-101-disk-0,size=10G", host.Cluster.GetContainer(101)!.Config.Get("rootfs"));
        Assert.Equal((500, "unable to shrink disk size"), (shrink.Code, shrink.Reason));
        Assert.Equal((500, "disk is already at specified size"), (same.Code, same.Reason));
    }

    [Fact]
    public async Task Migrate_needs_restart_for_a_running_CT_and_moves_it_in_a_vzmigrate_task()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);

        var refused = await host.PostAsync(Running + "/migrate", new Dictionary<string, string> { ["target"] = "pve2" });
        var local = await host.PostAsync(Running + "/migrate", new Dictionary<string, string> { ["target"] = "pve1" });
        var unknown = await host.PostAsync(Running + "/migrate", new Dictionary<string, string> { ["target"] = "pve9" });
        var accepted = await host.PostAsync(Running + "/migrate", new Dictionary<string, string> { ["target"] = "pve2", ["restart"] = "1" });
        var lockDuring = host.Cluster.GetContainer(100)!.Lock;
        var task = await host.WaitForTaskAsync(accepted.Data!.GetValue<string>());

        Assert.Equal((500, "can't migrate running container without --online or --restart"), (refused.Code, refused.Reason));
        Assert.Equal("target is local node.", local.Body!["errors"]!["target"]!.GetValue<string>());
        Assert.Equal((500, "no such cluster node 'pve9'"), (unknown.Code, unknown.Reason));
        Assert.Contains(":vzmigrate:100:", accepted.Data!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("migrate", lockDuring);
        Assert.Equal("OK", task.Data!["exitstatus"]!.GetValue<string>());
        Assert.Equal("pve2", host.Cluster.GetContainer(100)!.Node);
        Assert.Equal("running", await host.StatusOfAsync("pve2", 100));
    }
}
