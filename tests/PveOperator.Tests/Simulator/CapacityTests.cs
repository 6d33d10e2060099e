using System.Diagnostics;
using System.Net;
using PveSimulator;

namespace PveOperator.Tests.Simulator;

public sealed class CapacityTests
{
    [Fact]
    public async Task A_node_serves_at_most_its_daemon_workers_at_once_and_counts_the_queue()
    {
        const int requests = 6;
        var latency = TimeSpan.FromMilliseconds(250);
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { DaemonWorkersPerNode = 3 });
        // Warm up the connection pool and JIT, so all requests arrive together.
        await Task.WhenAll(Enumerable.Range(0, requests).Select(_ => host.GetAsync("/nodes/pve1/lxc/100/status/current")));
        host.Server.Counters.Reset();
        host.Server.Faults.AddedLatency = latency;

        var watch = Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, requests).Select(_ => host.GetAsync("/nodes/pve1/lxc/100/status/current")));
        watch.Stop();

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.InRange(host.Server.Counters.MaxServingPerNode("pve1"), 2, 3);
        Assert.True(host.Server.Counters.MaxInFlightPerNode("pve1") > 3, $"max in flight {host.Server.Counters.MaxInFlightPerNode("pve1")}");
        // Six requests through three workers need two rounds of the added latency.
        Assert.True(watch.Elapsed >= 2 * latency - TimeSpan.FromMilliseconds(20), $"took {watch.Elapsed}");
        Assert.Equal(0, host.Server.Counters.MaxInFlightPerNode("pve2"));
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
}
