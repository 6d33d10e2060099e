namespace PveOperator.Tests.Simulator;

public sealed class CountersTests
{
    [Fact]
    public async Task Requests_are_counted_per_method_and_template_including_refused_ones()
    {
        await using var host = await SimulatorTestHost.StartAsync(fakeTime: true);
        using var anonymous = host.CreateClient(authorization: null);

        await host.GetAsync("/version");
        await host.GetAsync("/version", anonymous);
        await host.GetAsync("/cluster/status");
        await host.GetAsync("/cluster/resources?type=vm");
        await host.GetAsync("/nodes");
        await host.GetAsync("/nodes/pve1/status");
        await host.GetAsync("/nodes/pve1/lxc");
        await host.GetAsync("/nodes/pve1/lxc/100/status/current");
        await host.GetAsync("/nodes/pve1/lxc/100/config");
        await host.GetAsync("/nodes/pve1/lxc/100/interfaces");
        var upid = await host.SubmitAsync("pve1", SimulatorTestHost.StoppedCt, "start");
        await host.PostAsync("/nodes/pve1/lxc/100/status/start");
        await host.TaskStatusAsync(upid);

        var counters = host.Server.Counters;
        Assert.Equal(2, counters.Get("GET /version"));
        Assert.Equal(1, counters.Get("GET /cluster/status"));
        Assert.Equal(1, counters.Get("GET /cluster/resources"));
        Assert.Equal(1, counters.Get("GET /nodes"));
        Assert.Equal(1, counters.Get("GET /nodes/{node}/status"));
        Assert.Equal(1, counters.Get("GET /nodes/{node}/lxc"));
        Assert.Equal(1, counters.Get("GET /nodes/{node}/lxc/{vmid}/status/current"));
        Assert.Equal(1, counters.Get("GET /nodes/{node}/lxc/{vmid}/config"));
        Assert.Equal(1, counters.Get("GET /nodes/{node}/lxc/{vmid}/interfaces"));
        Assert.Equal(2, counters.Get("POST /nodes/{node}/lxc/{vmid}/status/start"));
        Assert.Equal(1, counters.Get("GET /nodes/{node}/tasks/{upid}/status"));
        Assert.Equal(1, counters.PowerActions(SimulatorTestHost.StoppedCt, "start"));
        Assert.Equal(1, counters.PowerActions(SimulatorTestHost.RunningDhcpCt, "start"));
        Assert.Equal(0, counters.PowerActions(SimulatorTestHost.RunningDhcpCt, "stop"));
        Assert.Equal(13, counters.Snapshot().Values.Sum());

        counters.Reset();
        Assert.Equal(0, counters.Get("GET /version"));
        Assert.Empty(counters.Snapshot());
    }
}
