using PveSimulator;

namespace PveOperator.Tests.Simulator;

/// <summary>The admin-side observations the lifecycle integration tests rely on: per-vmid lifecycle counts, failed tasks, the DHCP server.</summary>
public sealed class LifecycleCountersAndDhcpTests
{
    private const string Template = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst";

    [Fact]
    public async Task Creates_clones_and_destroys_are_counted_per_vmid_with_the_destroy_flags_and_a_failed_task_is_recorded()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);

        var created = await host.PostAsync("/nodes/pve1/lxc", new Dictionary<string, string> { ["vmid"] = "300", ["ostemplate"] = Template, ["rootfs"] = "local-lvm:2" });
        await host.WaitForTaskAsync(created.Data!.GetValue<string>());
        var again = await host.PostAsync("/nodes/pve1/lxc", new Dictionary<string, string> { ["vmid"] = "300", ["ostemplate"] = Template, ["rootfs"] = "local-lvm:2" });
        var missing = await host.PostAsync("/nodes/pve1/lxc", new Dictionary<string, string>
        {
            ["vmid"] = "301", ["ostemplate"] = "local:vztmpl/nothing-1.0.tar.zst", ["rootfs"] = "local-lvm:2",
        });
        var failed = await host.WaitForTaskAsync(missing.Data!.GetValue<string>());
        var cloned = await host.PostAsync($"/nodes/pve1/lxc/{SimulatorTestHost.StoppedCt}/clone", new Dictionary<string, string> { ["newid"] = "302" });
        await host.WaitForTaskAsync(cloned.Data!.GetValue<string>());
        var destroyed = await host.DeleteAsync("/nodes/pve1/lxc/300?purge=1&destroy-unreferenced-disks=1");
        await host.WaitForTaskAsync(destroyed.Data!.GetValue<string>());
        await host.DeleteAsync($"/nodes/pve1/lxc/{SimulatorTestHost.RunningDhcpCt}");

        var counters = host.Server.Counters;
        Assert.Equal(500, (int)again.Status);
        Assert.Equal(2, counters.LifecycleRequests(300, "create"));
        Assert.Equal(1, counters.LifecycleRequests(301, "create"));
        Assert.Equal(1, counters.LifecycleRequests(302, "clone"));
        Assert.Equal(0, counters.LifecycleRequests(SimulatorTestHost.StoppedCt, "clone"));
        Assert.Equal(1, counters.LifecycleRequests(300, "destroy"));
        Assert.Equal(1, counters.LifecycleRequests(300, "destroy+purge"));
        Assert.Equal(1, counters.LifecycleRequests(300, "destroy+destroy-unreferenced-disks"));
        Assert.Equal(0, counters.LifecycleRequests(300, "destroy+force"));
        // Refused synchronously (running): a request, no flags, no task.
        Assert.Equal(1, counters.LifecycleRequests(SimulatorTestHost.RunningDhcpCt, "destroy"));
        Assert.Equal(0, counters.LifecycleRequests(SimulatorTestHost.RunningDhcpCt, "destroy+purge"));

        Assert.NotEqual("OK", failed.Data!["exitstatus"]!.GetValue<string>());
        Assert.Equal(1, counters.FailedTasks("vzcreate"));
        var failure = Assert.Single(counters.TaskFailures());
        Assert.Equal(("vzcreate", "301"), (failure.Type, failure.Id));
        Assert.Contains("can't find file", failure.ExitStatus, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dhcp_server_leases_started_containers_without_a_lease_of_their_own_one_address_per_mac()
    {
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { DhcpNetwork = "10.20.0.0/16", TaskDuration = TimeSpan.FromMilliseconds(100) }, fakeTime: true);
        host.Cluster.AddContainer(new SimContainer { Vmid = 310, Node = "pve1", Net = { ["net0"] = "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:03:10,ip=dhcp,type=veth" } });
        host.Cluster.AddContainer(new SimContainer { Vmid = 311, Node = "pve1", Net = { ["net0"] = "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:03:11,ip=dhcp,type=veth" } });

        foreach (var vmid in new[] { 310, 311 })
        {
            await host.WaitForTaskAsync(await host.SubmitAsync("pve1", vmid, "start"));
        }

        Assert.Equal("10.20.0.2/16", host.Cluster.GetContainer(310)!.DhcpAddresses["eth0"]);
        Assert.Equal("10.20.0.3/16", host.Cluster.GetContainer(311)!.DhcpAddresses["eth0"]);
        var interfaces = (await host.GetAsync("/nodes/pve1/lxc/310/interfaces")).Data!.ToJsonString();
        Assert.Contains("10.20.0.2", interfaces, StringComparison.Ordinal);

        // A stopped and restarted CT keeps its lease; a CT with a lease of its own keeps that one.
        await host.WaitForTaskAsync(await host.SubmitAsync("pve1", 310, "stop"));
        await host.WaitForTaskAsync(await host.SubmitAsync("pve1", 310, "start"));
        Assert.Equal("10.20.0.2/16", host.Cluster.GetContainer(310)!.DhcpAddresses["eth0"]);
        await host.WaitForTaskAsync(await host.SubmitAsync("pve1", SimulatorTestHost.StoppedCt, "start"));
        Assert.Equal("192.168.3.96/22", host.Cluster.GetContainer(SimulatorTestHost.StoppedCt)!.DhcpAddresses["eth0"]);
    }

    [Fact]
    public void Admin_hooks_write_the_config_keys_pve_uses()
    {
        var cluster = new SimulatedCluster();
        cluster.AddNode("pve1", "127.0.0.1");
        cluster.AddContainer(new SimContainer { Vmid = 320, Node = "pve1", Description = "hand made", Rootfs = "local-lvm:base-320-disk-0,size=8G" });

        cluster.UpdateContainer(320, ct => ct.Protection = true);
        var ct = cluster.GetContainer(320)!;
        Assert.Equal("1", ct.ConfigValue("protection"));
        Assert.Equal("hand made", ct.ConfigValue("description"));
        Assert.Equal("local-lvm:base-320-disk-0,size=8G", ct.ConfigValue("rootfs"));
        cluster.UpdateContainer(320, c => (c.Protection, c.Description) = (false, null));
        Assert.Null(ct.ConfigValue("protection"));
        Assert.Null(ct.ConfigValue("description"));
        Assert.Throws<KeyNotFoundException>(() => cluster.UpdateContainer(999, _ => { }));
    }
}
