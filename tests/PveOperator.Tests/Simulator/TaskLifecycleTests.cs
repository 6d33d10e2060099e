using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using PveSimulator;

namespace PveOperator.Tests.Simulator;

public sealed partial class TaskLifecycleTests
{
    [Fact]
    public async Task Start_returns_a_real_UPID_and_the_CT_runs_when_the_task_ends()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);

        var upid = await host.SubmitAsync("pve1", SimulatorTestHost.StoppedCt, "start");
        var running = await host.TaskStatusAsync(upid);
        var stateWhileRunning = await host.StatusOfAsync("pve1", SimulatorTestHost.StoppedCt);
        var done = await host.WaitForTaskAsync(upid);

        Assert.Matches(UpidPattern(), upid);
        Assert.Matches(@$"^UPID:pve1:[0-9A-F]{{8}}:[0-9A-F]{{8}}:[0-9A-F]{{8}}:vzstart:101:{Regex.Escape(PveSimulatorServer.DefaultTokenId)}:$", upid);
        Assert.Equal("running", running.Data!["status"]!.GetValue<string>());
        Assert.Null(running.Data!["exitstatus"]);
        Assert.Null(running.Data!["endtime"]);
        Assert.Equal("stopped", stateWhileRunning);
        Assert.Equal("OK", done.Data!["exitstatus"]!.GetValue<string>());
        Assert.Equal("root@pam", done.Data!["user"]!.GetValue<string>());
        Assert.Equal("sim", done.Data!["tokenid"]!.GetValue<string>());
        Assert.Equal("vzstart", done.Data!["type"]!.GetValue<string>());
        Assert.Equal("101", done.Data!["id"]!.GetValue<string>());
        Assert.Equal(upid, done.Data!["upid"]!.GetValue<string>());
        Assert.Equal("running", await host.StatusOfAsync("pve1", SimulatorTestHost.StoppedCt));
    }

    [Theory]
    [InlineData("stop", "vzstop")]
    [InlineData("shutdown", "vzshutdown")]
    public async Task Stop_and_shutdown_end_with_the_CT_stopped(string action, string taskType)
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);

        var upid = await host.SubmitAsync("pve1", SimulatorTestHost.RunningDhcpCt, action);
        var done = await host.WaitForTaskAsync(upid);

        Assert.Contains($":{taskType}:100:", upid, StringComparison.Ordinal);
        Assert.Equal("OK", done.Data!["exitstatus"]!.GetValue<string>());
        Assert.Equal("stopped", await host.StatusOfAsync("pve1", SimulatorTestHost.RunningDhcpCt));
    }

    [Fact]
    public async Task Reboot_keeps_the_CT_running()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);

        var done = await host.WaitForTaskAsync(await host.SubmitAsync("pve1", SimulatorTestHost.RunningDhcpCt, "reboot"));

        Assert.Equal("OK", done.Data!["exitstatus"]!.GetValue<string>());
        Assert.Equal("running", await host.StatusOfAsync("pve1", SimulatorTestHost.RunningDhcpCt));
    }

    [Fact]
    public async Task Task_status_on_the_wrong_node_or_for_garbage_is_400()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);
        var upid = await host.SubmitAsync("pve1", SimulatorTestHost.StoppedCt, "start");

        var wrongNode = await host.GetAsync($"/nodes/pve2/tasks/{upid}/status");
        var unknown = await host.GetAsync($"/nodes/pve1/tasks/{upid.Replace(":vzstart:", ":vzstop:", StringComparison.Ordinal)}/status");
        var garbage = await host.GetAsync("/nodes/pve1/tasks/not-a-upid/status");

        Assert.Equal(HttpStatusCode.BadRequest, wrongNode.Status);
        Assert.Equal("no such task", wrongNode.Body!["errors"]!["upid"]!.GetValue<string>());
        Assert.Equal("no such task", unknown.Body!["errors"]!["upid"]!.GetValue<string>());
        Assert.Equal("unable to parse worker upid", garbage.Body!["errors"]!["upid"]!.GetValue<string>());
    }

    [Fact]
    public async Task Locked_CT_fails_its_task_not_the_request()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);
        host.Cluster.SetLock(SimulatorTestHost.StoppedCt, "backup");

        var done = await host.WaitForTaskAsync(await host.SubmitAsync("pve1", SimulatorTestHost.StoppedCt, "start"));

        Assert.Equal("CT is locked (backup)", done.Data!["exitstatus"]!.GetValue<string>());
        Assert.Equal("stopped", await host.StatusOfAsync("pve1", SimulatorTestHost.StoppedCt));
    }

    [Fact]
    public async Task Second_action_while_a_task_holds_the_config_lock_fails_with_a_lock_timeout()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);

        var first = await host.SubmitAsync("pve1", SimulatorTestHost.StoppedCt, "start");
        var second = await host.SubmitAsync("pve1", SimulatorTestHost.StoppedCt, "start");
        var secondDone = await host.WaitForTaskAsync(second);
        var firstDone = await host.WaitForTaskAsync(first);

        Assert.Equal("can't lock file '/run/lock/lxc/pve-config-101.lock' - got timeout", secondDone.Data!["exitstatus"]!.GetValue<string>());
        Assert.Equal("OK", firstDone.Data!["exitstatus"]!.GetValue<string>());
        Assert.Equal(2, host.Server.Counters.PowerActions(SimulatorTestHost.StoppedCt, "start"));
    }

    [Fact]
    public async Task Start_of_a_missing_vmid_returns_a_UPID_whose_task_fails()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);

        var done = await host.WaitForTaskAsync(await host.SubmitAsync("pve2", 4242, "start"));

        Assert.Equal("Configuration file 'nodes/pve2/lxc/4242.conf' does not exist", done.Data!["exitstatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task Template_cannot_be_started()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);
        host.Cluster.GetContainer(SimulatorTestHost.StoppedCt)!.Template = true;

        var done = await host.WaitForTaskAsync(await host.SubmitAsync("pve1", SimulatorTestHost.StoppedCt, "start"));

        Assert.Equal("you can't start a CT if it's a template", done.Data!["exitstatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task Shutdown_past_its_timeout_fails_unless_forceStop()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);
        host.Cluster.GetContainer(SimulatorTestHost.RunningDhcpCt)!.ShutdownDuration = TimeSpan.FromMinutes(5);

        var gentle = await host.WaitForTaskAsync(await host.SubmitAsync("pve1", SimulatorTestHost.RunningDhcpCt, "shutdown",
            new Dictionary<string, string> { ["timeout"] = "30" }), step: TimeSpan.FromSeconds(5));
        var stillRunning = await host.StatusOfAsync("pve1", SimulatorTestHost.RunningDhcpCt);
        var forced = await host.WaitForTaskAsync(await host.SubmitAsync("pve1", SimulatorTestHost.RunningDhcpCt, "shutdown",
            new Dictionary<string, string> { ["timeout"] = "30", ["forceStop"] = "1" }), step: TimeSpan.FromSeconds(5));

        Assert.Equal("container did not stop", gentle.Data!["exitstatus"]!.GetValue<string>());
        Assert.Equal("running", stillRunning);
        Assert.Equal("OK", forced.Data!["exitstatus"]!.GetValue<string>());
        Assert.Equal("stopped", await host.StatusOfAsync("pve1", SimulatorTestHost.RunningDhcpCt));
    }

    [Fact]
    public async Task Shutdown_within_its_timeout_waits_for_the_CT()
    {
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { TaskDuration = TimeSpan.Zero }, fakeTime: true);
        host.Cluster.GetContainer(SimulatorTestHost.RunningDhcpCt)!.ShutdownDuration = TimeSpan.FromSeconds(20);

        var upid = await host.SubmitAsync("pve1", SimulatorTestHost.RunningDhcpCt, "shutdown");
        host.Time!.Advance(TimeSpan.FromSeconds(19));
        var before = await host.TaskStatusAsync(upid);
        var done = await host.WaitForTaskAsync(upid, step: TimeSpan.FromSeconds(1));

        Assert.Equal("running", before.Data!["status"]!.GetValue<string>());
        Assert.Equal("OK", done.Data!["exitstatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task Start_failure_is_reported_as_the_exit_status()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);
        host.Cluster.GetContainer(SimulatorTestHost.StoppedCt)!.StartFailure = "startup for container '101' failed";

        var done = await host.WaitForTaskAsync(await host.SubmitAsync("pve1", SimulatorTestHost.StoppedCt, "start"));

        Assert.Equal("startup for container '101' failed", done.Data!["exitstatus"]!.GetValue<string>());
        Assert.Equal("stopped", await host.StatusOfAsync("pve1", SimulatorTestHost.StoppedCt));
    }

    [Fact]
    public async Task HA_managed_start_ends_OK_quickly_and_the_CT_runs_HaDelay_later()
    {
        var haDelay = TimeSpan.FromSeconds(10);
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { HaDelay = haDelay }, fakeTime: true);
        host.Cluster.GetContainer(SimulatorTestHost.StoppedCt)!.HaManaged = true;

        var upid = await host.SubmitAsync("pve1", SimulatorTestHost.StoppedCt, "start");
        var done = await host.WaitForTaskAsync(upid, step: TimeSpan.FromMilliseconds(100));
        var afterTask = (await host.GetAsync($"/nodes/pve1/lxc/{SimulatorTestHost.StoppedCt}/status/current")).Data!;
        host.Time!.Advance(haDelay);
        await SimulatorTestHost.EventuallyAsync(
            async () => await host.StatusOfAsync("pve1", SimulatorTestHost.StoppedCt) == "running",
            "the HA manager should start the CT after HaDelay");

        Assert.Contains(":hastart:101:", upid, StringComparison.Ordinal);
        Assert.Equal("OK", done.Data!["exitstatus"]!.GetValue<string>());
        Assert.Equal("stopped", afterTask["status"]!.GetValue<string>());
        Assert.Equal(1, afterTask["ha"]!["managed"]!.GetValue<int>());
        Assert.Equal("started", afterTask["ha"]!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task JSON_bodies_are_accepted_with_real_booleans()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);

        var response = await host.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api2/json/nodes/pve1/lxc/100/status/shutdown")
        {
            Content = JsonContent.Create(new { timeout = 10, forceStop = true }),
        });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.StartsWith("UPID:pve1:", response.Data!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Task_log_ends_with_the_task_result()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);
        host.Cluster.SetLock(SimulatorTestHost.StoppedCt, "migrate");
        var upid = await host.SubmitAsync("pve1", SimulatorTestHost.StoppedCt, "start");
        await host.WaitForTaskAsync(upid);

        var log = await host.GetAsync($"/nodes/pve1/tasks/{upid}/log?start=0&limit=50");

        Assert.Equal("TASK ERROR: CT is locked (migrate)", log.Data!.AsArray()[^1]!["t"]!.GetValue<string>());
        Assert.Equal(log.Data!.AsArray().Count, log.Body!["total"]!.GetValue<int>());
    }

    // pve-api.md §3: the server's own UPID regex.
    [GeneratedRegex(@"^UPID:([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$")]
    private static partial Regex UpidPattern();
}
