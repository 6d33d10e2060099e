using System.Net;

namespace PveOperator.Tests.Simulator;

public sealed class FaultInjectionTests
{
    [Theory]
    [InlineData(595, "Connection refused")]
    [InlineData(596, "Connection timed out")]
    public async Task Proxy_errors_have_an_empty_body_and_the_text_in_the_reason(int status, string reason)
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Server.Faults.SetErrorRate("GET", "/nodes/{node}/lxc/{vmid}/status/current", 1.0, status);

        var faulted = await host.GetAsync("/nodes/pve1/lxc/100/status/current");
        var other = await host.GetAsync("/nodes/pve1/lxc/100/config");

        Assert.Equal(status, faulted.Code);
        Assert.Equal(reason, faulted.Reason);
        Assert.Equal("", faulted.RawBody);
        Assert.Equal(HttpStatusCode.OK, other.Status);
        Assert.Equal(1, host.Server.Counters.Get("GET /nodes/{node}/lxc/{vmid}/status/current"));
    }

    [Fact]
    public async Task Error_500_uses_the_JSON_envelope_and_clear_removes_it()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Server.Faults.SetErrorRate(null, null, 1.0, 500);

        var faulted = await host.GetAsync("/version");
        host.Server.Faults.Clear();
        var healthy = await host.GetAsync("/version");

        Assert.Equal(HttpStatusCode.InternalServerError, faulted.Status);
        Assert.False(string.IsNullOrEmpty(faulted.Reason));
        Assert.Null(faulted.Data);
        Assert.Equal(HttpStatusCode.OK, healthy.Status);
    }

    [Fact]
    public async Task Error_rate_applies_to_about_that_share_of_requests()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Server.Faults.UseSeed(7);
        host.Server.Faults.SetErrorRate("GET", "/version", 0.5, 596);

        var answers = new List<int>();
        for (var i = 0; i < 40; i++)
        {
            answers.Add((await host.GetAsync("/version")).Code);
        }

        var failed = answers.Count(code => code == 596);
        Assert.InRange(failed, 8, 32);
        Assert.Equal(40 - failed, answers.Count(code => code == 200));
    }

    [Fact]
    public async Task Dropped_connections_get_no_answer()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Server.Faults.DropConnectionRate = 1.0;

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => host.GetAsync("/version"));
        host.Server.Faults.DropConnectionRate = 0;
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/version")).Status);
        Assert.Equal(2, host.Server.Counters.Get("GET /version"));
    }

    [Fact]
    public async Task Power_actions_answered_by_a_fault_a_drop_or_an_offline_node_are_counted_as_not_carried_out()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        var start = $"/nodes/pve1/lxc/{SimulatorTestHost.StoppedCt}/status/start";

        host.Server.Faults.SetErrorRate("POST", "/nodes/{node}/lxc/{vmid}/status/start", 1.0, 596);
        Assert.Equal(596, (await host.PostAsync(start)).Code);
        host.Server.Faults.Clear();
        host.Server.Faults.DropConnectionRate = 1.0;
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => host.PostAsync(start));
        host.Server.Faults.Clear();
        host.Cluster.SetNodeOnline("pve1", false);
        Assert.Equal(595, (await host.PostAsync(start)).Code);
        host.Cluster.SetNodeOnline("pve1", true);
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync(start)).Status);

        Assert.Equal(4, host.Server.Counters.PowerActions(SimulatorTestHost.StoppedCt, "start"));
        Assert.Equal(3, host.Server.Counters.FaultedPowerActions(SimulatorTestHost.StoppedCt, "start"));
    }
}
