using System.Net;
using PveOperator.Proxmox;
using PveSimulator;

namespace PveOperator.Tests.Proxmox;

/// <summary>Every IPveClient endpoint against the simulator.</summary>
[Collection(SimulatorClientCollection.Name)]
public sealed class SimulatorOperationsTests
{
    [Fact]
    public async Task Cluster_resources_locate_every_container_with_ha_state_and_lock()
    {
        await using var pve = await SimulatedPve.StartAsync(new SimulatorOptions { ResourcesRefreshInterval = TimeSpan.Zero });
        pve.Cluster.SetLock(SimulatedPve.StoppedStatic, "backup");
        var client = pve.Client();

        var resources = await client.GetClusterResourcesAsync();

        Assert.Equal([100, 101, 102, 103], resources.Select(r => r.Vmid).Order());
        Assert.All(resources, r => Assert.True(r.IsContainer));
        Assert.Equal("pve2", Assert.Single(resources, r => r.Vmid == SimulatedPve.RunningStatic).Node);
        Assert.Equal("backup", Assert.Single(resources, r => r.Vmid == SimulatedPve.StoppedStatic).Lock);
        Assert.NotNull(Assert.Single(resources, r => r.Vmid == SimulatedPve.HaManaged).HaState);
        Assert.Null(Assert.Single(resources, r => r.Vmid == SimulatedPve.RunningDhcp).HaState);
        Assert.Equal(["running", "stopped", "running", "running"], resources.OrderBy(r => r.Vmid).Select(r => r.Status));
        Assert.Equal("web", Assert.Single(resources, r => r.Vmid == SimulatedPve.RunningDhcp).Name);
        Assert.Equal(1, pve.Server.Counters.Get("GET /cluster/resources"));
    }

    [Fact]
    public async Task Nodes_containers_status_and_config()
    {
        await using var pve = await SimulatedPve.StartAsync();
        var client = pve.Client();

        var nodes = await client.GetNodesAsync();
        var onPve2 = await client.GetContainersAsync("pve2");
        var ha = await client.GetContainerStatusAsync("pve1", SimulatedPve.HaManaged);
        var plain = await client.GetContainerStatusAsync("pve1", SimulatedPve.StoppedStatic);
        var config = await client.GetContainerConfigAsync("pve2", SimulatedPve.RunningStatic);

        Assert.Equal(["pve1", "pve2"], nodes.Select(n => n.Node).Order());
        Assert.All(nodes, n => Assert.True(n.IsOnline));
        Assert.Equal(SimulatedPve.RunningStatic, Assert.Single(onPve2).Vmid);
        Assert.True(ha.Ha.Managed);
        Assert.True(ha.IsRunning);
        Assert.False(plain.Ha.Managed);
        Assert.False(plain.IsRunning);
        Assert.Equal("db", plain.Name);
        Assert.Equal("proxy", config.Hostname);
        var net0 = Assert.Single(config.Networks);
        Assert.Equal("eth0", net0.Name);
        Assert.Equal("vmbr0", net0.Bridge);
        Assert.Equal("BC:24:11:00:01:02", net0.HardwareAddress);
        Assert.Equal("10.1.1.1", net0.Gateway);
        Assert.Equal(new PveIpAddress(IPAddress.Parse("10.1.1.3"), 24), net0.StaticIpv4);
        Assert.Equal(new PveIpAddress(IPAddress.Parse("2001:db8::3"), 64), net0.StaticIpv6);
        Assert.NotNull(config.Digest);
    }

    [Fact]
    public async Task Interfaces_of_running_and_stopped_containers()
    {
        await using var pve = await SimulatedPve.StartAsync();
        var client = pve.Client();

        var running = await client.GetContainerInterfacesAsync("pve1", SimulatedPve.RunningDhcp);
        var stopped = await client.GetContainerInterfacesAsync("pve1", SimulatedPve.StoppedStatic);

        Assert.NotNull(running);
        Assert.Contains(running, i => i.Name == "lo");
        var eth0 = Assert.Single(running, i => i.Name == "eth0");
        Assert.NotNull(eth0.IpAddresses);
        Assert.Contains(eth0.GetAddresses(), a => a.ToString() == "192.168.3.95/22");
        Assert.Null(stopped);
    }

    [Fact]
    public async Task Addresses_come_live_for_running_and_from_config_for_stopped_containers()
    {
        await using var pve = await SimulatedPve.StartAsync();
        var client = pve.Client();

        var live = await client.GetContainerAddressesAsync("pve1", SimulatedPve.RunningDhcp);
        var stopped = await client.GetContainerAddressesAsync("pve1", SimulatedPve.StoppedStatic);

        Assert.Equal(PveAddressSource.Interfaces, live.Source);
        Assert.Equal(IPAddress.Parse("192.168.3.95"), live.Addresses[0]);
        Assert.DoesNotContain(live.Addresses, a => IPAddress.IsLoopback(a) || a.IsIPv6LinkLocal);
        var eth0 = Assert.Single(live.Interfaces);
        Assert.Equal("eth0", eth0.Name);
        Assert.Equal(PveAddressSource.Config, stopped.Source);
        Assert.Equal([IPAddress.Parse("10.1.1.5")], stopped.Addresses);
    }

    [Fact]
    public async Task Start_shutdown_stop_and_reboot_run_tasks_that_succeed()
    {
        await using var pve = await SimulatedPve.StartAsync();
        var client = pve.Client();
        const int vmid = SimulatedPve.StoppedStatic;

        var start = await client.StartContainerAsync("pve1", vmid);
        var started = await SimulatedPve.WaitAsync(client, start);
        var afterStart = await client.GetContainerStatusAsync("pve1", vmid);
        var shutdown = await client.ShutdownContainerAsync("pve1", vmid, timeoutSeconds: 10);
        var shutDown = await SimulatedPve.WaitAsync(client, shutdown);
        await SimulatedPve.WaitAsync(client, await client.StartContainerAsync("pve1", vmid));
        var stop = await client.StopContainerAsync("pve1", vmid);
        var stopped = await SimulatedPve.WaitAsync(client, stop);
        var reboot = await client.RebootContainerAsync("pve2", SimulatedPve.RunningStatic, timeoutSeconds: 10);
        var rebooted = await SimulatedPve.WaitAsync(client, reboot);

        Assert.Equal(("pve1", "vzstart", "101", "root@pam!sim"), (start.Node, start.Type, start.Id, start.User));
        Assert.Equal(PveTaskState.Succeeded, started.State);
        Assert.Equal(start.Raw, started.Upid);
        Assert.True(afterStart.IsRunning);
        Assert.Equal("vzshutdown", shutdown.Type);
        Assert.Equal(PveTaskState.Succeeded, shutDown.State);
        Assert.Equal("vzstop", stop.Type);
        Assert.Equal(PveTaskState.Succeeded, stopped.State);
        Assert.False((await client.GetContainerStatusAsync("pve1", vmid)).IsRunning);
        Assert.Equal(("pve2", "vzreboot"), (reboot.Node, reboot.Type));
        Assert.Equal(PveTaskState.Succeeded, rebooted.State);
        Assert.Equal(2, pve.Server.Counters.PowerActions(vmid, "start"));
        Assert.Equal(1, pve.Server.Counters.PowerActions(vmid, "shutdown"));
    }

    [Fact]
    public async Task Task_status_is_asked_on_the_node_of_the_upid_even_after_a_migration()
    {
        await using var pve = await SimulatedPve.StartAsync(new SimulatorOptions { TaskDuration = TimeSpan.FromMilliseconds(200) });
        var client = pve.Client();

        var upid = await client.StopContainerAsync("pve2", SimulatedPve.RunningStatic);
        pve.Cluster.MigrateContainer(SimulatedPve.RunningStatic, "pve1");
        var status = await SimulatedPve.WaitAsync(client, upid);

        Assert.Equal("pve2", upid.Node);
        Assert.Equal("pve2", status.Node);
        Assert.NotEqual(PveTaskState.Running, status.State);
    }

    [Fact]
    public async Task A_failing_start_reports_the_exit_text()
    {
        await using var pve = await SimulatedPve.StartAsync();
        pve.Cluster.GetContainer(SimulatedPve.StoppedStatic)!.StartFailure = "startup for container '101' failed";
        var client = pve.Client();

        var status = await SimulatedPve.WaitAsync(client, await client.StartContainerAsync("pve1", SimulatedPve.StoppedStatic));

        Assert.Equal(PveTaskState.Failed, status.State);
        Assert.Equal("startup for container '101' failed", status.FailureText);
        Assert.Equal(PveErrorKind.Other, status.FailureKind);
    }

    [Fact]
    public async Task A_locked_container_fails_its_task_as_locked()
    {
        await using var pve = await SimulatedPve.StartAsync();
        pve.Cluster.SetLock(SimulatedPve.StoppedStatic, "backup");
        var client = pve.Client();

        var status = await SimulatedPve.WaitAsync(client, await client.StartContainerAsync("pve1", SimulatedPve.StoppedStatic));

        Assert.Equal(PveTaskState.Failed, status.State);
        Assert.Equal("CT is locked (backup)", status.FailureText);
        Assert.Equal(PveErrorKind.Locked, status.FailureKind);
    }

    [Fact]
    public async Task A_shutdown_that_outlasts_its_timeout_fails_unless_forced()
    {
        await using var pve = await SimulatedPve.StartAsync();
        pve.Cluster.GetContainer(SimulatedPve.RunningStatic)!.ShutdownDuration = TimeSpan.FromSeconds(30);
        var client = pve.Client();

        var polite = await SimulatedPve.WaitAsync(client, await client.ShutdownContainerAsync("pve2", SimulatedPve.RunningStatic, timeoutSeconds: 1));
        var stillRunning = await client.GetContainerStatusAsync("pve2", SimulatedPve.RunningStatic);
        var forced = await SimulatedPve.WaitAsync(client, await client.ShutdownContainerAsync("pve2", SimulatedPve.RunningStatic, timeoutSeconds: 1, forceStop: true));

        Assert.Equal(PveTaskState.Failed, polite.State);
        Assert.True(stillRunning.IsRunning);
        Assert.Equal(PveTaskState.Succeeded, forced.State);
        Assert.False((await client.GetContainerStatusAsync("pve2", SimulatedPve.RunningStatic)).IsRunning);
    }
}
