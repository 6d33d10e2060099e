using PveSimulator;

namespace PveOperator.Tests.Simulator;

public sealed class CloneAndDestroyTests
{
    private const int Template = 9000;

    private static async Task<SimulatorTestHost> StartWithTemplateAsync(bool template = true)
    {
        var host = await SimulatorTestHost.StartAsync(fakeTime: true);
        host.Cluster.AddContainer(new SimContainer
        {
            Vmid = Template,
            Node = "pve1",
            Name = "debian-base",
            Template = template,
            Net = { ["net0"] = "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:90:00:00,ip=dhcp,type=veth" },
        });
        if (template)
        {
            host.Cluster.GetContainer(Template)!.Config.Set("rootfs", "local-lvm:base-9000-disk-0,size=8G");
        }

        return host;
    }

    [Fact]
    public async Task Clone_locks_the_source_disk_and_the_new_CT_create_with_new_MACs_and_the_UPID_of_the_source()
    {
        await using var host = await StartWithTemplateAsync();

        var response = await host.PostAsync($"/nodes/pve1/lxc/{Template}/clone", new Dictionary<string, string> { ["newid"] = "130", ["hostname"] = "web" });
        var upid = response.Data!.GetValue<string>();
        var sourceLock = host.Cluster.GetContainer(Template)!.Lock;
        var newConfig = (await host.GetAsync("/nodes/pve1/lxc/130/config")).Data!;
        var task = await host.WaitForTaskAsync(upid);
        var finished = (await host.GetAsync("/nodes/pve1/lxc/130/config")).Data!;

        Assert.Contains(":vzclone:9000:", upid, StringComparison.Ordinal);
        Assert.Equal("disk", sourceLock);
        Assert.Equal("create", newConfig["lock"]!.GetValue<string>());
        Assert.Null(newConfig["template"]);
        Assert.Equal("web", newConfig["hostname"]!.GetValue<string>());
        Assert.DoesNotContain("BC:24:11:90:00:00", newConfig["net0"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("OK", task.Data!["exitstatus"]!.GetValue<string>());
        Assert.Null(finished["lock"]);
        Assert.Null(host.Cluster.GetContainer(Template)!.Lock);
        // From a template the default is a linked clone on the template's base volume.
        Assert.Equal("local-lvm:base-9000-disk-0/vm-130-disk-0,size=8G", finished["rootfs"]!.GetValue<string>());
        Assert.Equal(1, host.Server.Counters.Tasks("vzclone"));
    }

    [Fact]
    public async Task A_linked_clone_of_a_normal_CT_is_refused_and_releases_the_source_lock()
    {
        await using var host = await StartWithTemplateAsync(template: false);

        var response = await host.PostAsync($"/nodes/pve1/lxc/{Template}/clone", new Dictionary<string, string> { ["newid"] = "130", ["full"] = "0" });

        Assert.Equal((500, "Linked clone feature for 'local-lvm:vm-9000-disk-0' is not available"), (response.Code, response.Reason));
        Assert.Null(host.Cluster.GetContainer(Template)!.Lock);
        Assert.Null(host.Cluster.GetContainer(130));
    }

    [Fact]
    public async Task Clone_into_a_taken_id_and_from_a_locked_source_fail_synchronously()
    {
        await using var host = await StartWithTemplateAsync();

        var taken = await host.PostAsync($"/nodes/pve1/lxc/{Template}/clone", new Dictionary<string, string> { ["newid"] = "101" });
        host.Cluster.SetLock(Template, "backup");
        var locked = await host.PostAsync($"/nodes/pve1/lxc/{Template}/clone", new Dictionary<string, string> { ["newid"] = "130" });

        Assert.Equal((500, "CT 101 already exists on node 'pve1'"), (taken.Code, taken.Reason));
        Assert.Equal((500, "CT is locked (backup)"), (locked.Code, locked.Reason));
    }

    [Fact]
    public async Task Template_conversion_answers_null_runs_a_vztemplate_task_and_renames_volumes_to_base()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);

        var response = await host.PostAsync($"/nodes/pve1/lxc/{SimulatorTestHost.StoppedCt}/template");
        var running = await host.PostAsync($"/nodes/pve1/lxc/{SimulatorTestHost.RunningDhcpCt}/template");
        await SimulatorTestHost.EventuallyAsync(async () =>
        {
            host.Time!.Advance(TimeSpan.FromMilliseconds(100));
            return (await host.GetAsync($"/nodes/pve1/lxc/{SimulatorTestHost.StoppedCt}/config")).Data!["template"]?.GetValue<int>() == 1;
        }, "the CT never became a template");
        var again = await host.PostAsync($"/nodes/pve1/lxc/{SimulatorTestHost.StoppedCt}/template");

        Assert.Equal("""{"data":null}""", response.RawBody);
        Assert.Equal((500, "you can't convert a CT to template if the CT is running"), (running.Code, running.Reason));
        Assert.Equal("local-lvm:base-101-disk-0,size=8G", host.Cluster.GetContainer(SimulatorTestHost.StoppedCt)!.Config.Get("rootfs"));
        Assert.Equal((500, "you can't convert a template to a template"), (again.Code, again.Reason));
        Assert.Equal(1, host.Server.Counters.Tasks("vztemplate"));
    }

    [Fact]
    public async Task Destroy_checks_protection_lock_HA_and_running_in_that_order()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);
        var ct = host.Cluster.GetContainer(SimulatorTestHost.RunningDhcpCt)!;
        ct.HaManaged = true;
        ct.Lock = "backup";
        ct.Config.Set("protection", "1");
        var path = $"/nodes/pve1/lxc/{SimulatorTestHost.RunningDhcpCt}";

        var protectedAnswer = await host.DeleteAsync(path);
        ct.Config.Remove("protection");
        var lockedAnswer = await host.DeleteAsync(path);
        ct.Lock = null;
        var haAnswer = await host.DeleteAsync(path);
        var runningAnswer = await host.DeleteAsync(path + "?purge=1");
        var missing = await host.DeleteAsync("/nodes/pve1/lxc/999");

        Assert.Equal((500, "can't remove CT 100 - protection mode enabled"), (protectedAnswer.Code, protectedAnswer.Reason));
        Assert.Equal((500, "CT is locked (backup)"), (lockedAnswer.Code, lockedAnswer.Reason));
        Assert.Equal((500, "unable to remove CT 100 - used in HA resources and purge parameter not set."), (haAnswer.Code, haAnswer.Reason));
        Assert.Equal((500, "unable to destroy CT 100 - container is running"), (runningAnswer.Code, runningAnswer.Reason));
        Assert.Equal((500, "Configuration file 'nodes/pve1/lxc/999.conf' does not exist"), (missing.Code, missing.Reason));
    }

    [Fact]
    public async Task Destroy_with_purge_runs_vzdestroy_and_removes_the_CT_and_its_disks()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);

        var response = await host.DeleteAsync($"/nodes/pve1/lxc/{SimulatorTestHost.StoppedCt}?purge=1&destroy-unreferenced-disks=1");
        var task = await host.WaitForTaskAsync(response.Data!.GetValue<string>());
        var disks = (await host.GetAsync("/nodes/pve1/storage/local-lvm/content")).Data!.AsArray();

        Assert.Contains(":vzdestroy:101:", response.Data!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("OK", task.Data!["exitstatus"]!.GetValue<string>());
        Assert.Null(host.Cluster.GetContainer(SimulatorTestHost.StoppedCt));
        Assert.DoesNotContain(disks, d => d!["vmid"]!.GetValue<int>() == SimulatorTestHost.StoppedCt);
        Assert.Equal(1, host.Server.Counters.Tasks("vzdestroy"));
    }

    [Fact]
    public async Task Destroy_with_force_stops_a_running_CT_first()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);

        var response = await host.DeleteAsync($"/nodes/pve2/lxc/{SimulatorTestHost.RunningStaticCt}?force=1");
        var task = await host.WaitForTaskAsync(response.Data!.GetValue<string>());

        Assert.Equal("OK", task.Data!["exitstatus"]!.GetValue<string>());
        Assert.Null(host.Cluster.GetContainer(SimulatorTestHost.RunningStaticCt));
    }
}
