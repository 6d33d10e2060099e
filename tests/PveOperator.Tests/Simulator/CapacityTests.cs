using System.Net;
using PveSimulator;

namespace PveOperator.Tests.Simulator;

public sealed class CapacityTests
{
    [Fact]
    public async Task A_node_serves_at_most_its_daemon_workers_at_once_and_counts_the_queue()
    {
        const int requests = 6;
        var latency = TimeSpan.FromSeconds(1);
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { DaemonWorkersPerNode = 3 }, fakeTime: true);
        var counters = host.Server.Counters;
        // Warm up the connection pool and JIT, so all requests arrive together.
        await Task.WhenAll(Enumerable.Range(0, requests).Select(_ => host.GetAsync("/nodes/pve1/lxc/100/status/current")));
        counters.Reset();
        host.Server.Faults.AddedLatency = latency;

        var answers = Enumerable.Range(0, requests).Select(_ => host.GetAsync("/nodes/pve1/lxc/100/status/current")).ToArray();
        int Answered() => answers.Count(a => a.IsCompleted);

        // Six requests through three workers need two rounds of the added latency: three are served, three queue.
        await Eventually.TrueAsync(() => counters.InFlight("pve1") == requests && counters.MaxServingPerNode("pve1") == 3, "three served, three queued");
        await Eventually.ConsistentlyAsync(() => Answered() == 0, "no answer before the latency passed", Eventually.BriefWhile);
        host.Time!.Advance(latency);
        await Eventually.TrueAsync(() => Answered() == 3, "the first round answered");
        await Eventually.ConsistentlyAsync(() => Answered() == 3, "the queued ones wait for their own latency", Eventually.BriefWhile);
        host.Time.Advance(latency);
        await Eventually.TrueAsync(() => Answered() == requests, "the second round answered");

        Assert.All(await Task.WhenAll(answers), a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(3, counters.MaxServingPerNode("pve1"));
        Assert.Equal(0, counters.MaxInFlightPerNode("pve2"));
    }

    [Fact]
    public async Task Cluster_endpoints_are_not_limited_by_daemon_workers()
    {
        const int requests = 4;
        var latency = TimeSpan.FromMilliseconds(300);
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { DaemonWorkersPerNode = 1 });
        await Task.WhenAll(Enumerable.Range(0, requests).Select(_ => host.GetAsync("/cluster/resources")));
        host.Server.Faults.AddedLatency = latency;

        var answers = await Task.WhenAll(Enumerable.Range(0, requests).Select(_ => host.GetAsync("/cluster/resources")));

        // No worker slot was taken, so none of these waited for another (timing is left out: it flakes on 2 busy cores).
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(0, host.Server.Counters.MaxServingPerNode("pve1"));
        Assert.Equal(0, host.Server.Counters.MaxInFlightPerNode("pve1"));
    }

    [Fact]
    public async Task Tasks_beyond_the_per_node_limit_wait_in_line_and_run_when_a_place_frees()
    {
        var duration = TimeSpan.FromMilliseconds(500);
        await using var host = await SimulatorTestHost.StartAsync(
            new SimulatorOptions { MaxParallelTasksPerNode = 2, TaskDuration = duration }, fakeTime: true);
        int[] onPve1 = [110, 111, 112, 113, 114];
        foreach (var vmid in onPve1)
        {
            host.Cluster.AddContainer(new SimContainer { Vmid = vmid, Node = "pve1" });
        }

        host.Cluster.AddContainer(new SimContainer { Vmid = 120, Node = "pve2" });
        var received = new List<(int Vmid, string Action)>();
        host.Server.Counters.PowerActionReceived += (vmid, action) =>
        {
            lock (received)
            {
                received.Add((vmid, action));
            }
        };

        var upids = new List<string>();
        foreach (var vmid in onPve1)
        {
            upids.Add(await host.SubmitAsync("pve1", vmid, "start"));
        }

        var other = await host.SubmitAsync("pve2", 120, "start");

        async Task<int> StoppedCount() =>
            (await Task.WhenAll(upids.Select(host.TaskStatusAsync))).Count(s => s.Data!["status"]!.GetValue<string>() == "stopped");

        // Each round of the task duration ends two of pve1's tasks, in arrival order; pve2 has its own places.
        foreach (var expected in new[] { 2, 4, 5 })
        {
            host.Time!.Advance(duration);
            await SimulatorTestHost.EventuallyAsync(async () => await StoppedCount() == expected, $"{expected} tasks done");
            Assert.Equal(expected, await StoppedCount());
        }

        Assert.Equal("stopped", (await host.TaskStatusAsync(other)).Data!["status"]!.GetValue<string>());
        Assert.All(onPve1, vmid => Assert.True(host.Cluster.GetContainer(vmid)!.Running));
        Assert.All(await Task.WhenAll(upids.Select(host.TaskStatusAsync)), s => Assert.Equal("OK", s.Data!["exitstatus"]!.GetValue<string>()));
        lock (received)
        {
            Assert.Equal([.. onPve1.Select(v => (v, "start")), (120, "start")], received);
        }
    }
}
