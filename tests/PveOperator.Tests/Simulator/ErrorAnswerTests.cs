using System.Net;
using PveSimulator;

namespace PveOperator.Tests.Simulator;

public sealed class ErrorAnswerTests
{
    [Theory]
    [InlineData("pve1", SimulatorTestHost.RunningDhcpCt, "start", "CT 100 already running")]
    [InlineData("pve1", SimulatorTestHost.StoppedCt, "stop", "CT 101 not running")]
    [InlineData("pve1", SimulatorTestHost.StoppedCt, "shutdown", "CT 101 not running")]
    [InlineData("pve1", SimulatorTestHost.StoppedCt, "reboot", "VM 101 not running")]
    // A CT on another node is not running on the node asked.
    [InlineData("pve2", SimulatorTestHost.RunningDhcpCt, "stop", "CT 100 not running")]
    public async Task Power_action_in_the_current_state_is_a_synchronous_500(string node, int vmid, string action, string reason)
    {
        await using var host = await SimulatorTestHost.StartAsync();

        var response = await host.PostAsync($"/nodes/{node}/lxc/{vmid}/status/{action}");

        Assert.Equal(HttpStatusCode.InternalServerError, response.Status);
        Assert.Equal(reason, response.Reason);
        Assert.Null(response.Data);
        Assert.Equal(reason + "\n", response.Body!["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/nodes/pve2/lxc/100/status/current")]
    [InlineData("/nodes/pve2/lxc/100/config")]
    [InlineData("/nodes/pve1/lxc/999/status/current")]
    public async Task Missing_config_names_the_node_of_the_url(string path)
    {
        await using var host = await SimulatorTestHost.StartAsync();
        var segments = path.Split('/');

        var response = await host.GetAsync(path);

        Assert.Equal(HttpStatusCode.InternalServerError, response.Status);
        Assert.Equal($"Configuration file 'nodes/{segments[2]}/lxc/{segments[4]}.conf' does not exist", response.Reason);
        // The body keeps the apostrophes as PVE writes them.
        Assert.Contains("'nodes/", response.RawBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_node_is_a_hostname_lookup_500()
    {
        await using var host = await SimulatorTestHost.StartAsync();

        var response = await host.GetAsync("/nodes/ghost/lxc");

        Assert.Equal(HttpStatusCode.InternalServerError, response.Status);
        Assert.Equal("hostname lookup 'ghost' failed - failed to get address info for: ghost: Name or service not known", response.Reason);
    }

    [Fact]
    public async Task Offline_node_is_595_No_route_to_host_with_an_empty_body()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.SetNodeOnline("pve2", false);

        var status = await host.GetAsync("/nodes/pve2/lxc/102/status/current");
        var nodes = (await host.GetAsync("/nodes")).Data!.AsArray();

        Assert.Equal(595, status.Code);
        Assert.Equal("No route to host", status.Reason);
        Assert.Equal("", status.RawBody);
        Assert.Equal("offline", nodes.Single(n => n!["node"]!.GetValue<string>() == "pve2")!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_path_is_501_method_not_implemented()
    {
        await using var host = await SimulatorTestHost.StartAsync();

        var response = await host.GetAsync("/nodes/pve1/foo");

        Assert.Equal(HttpStatusCode.NotImplemented, response.Status);
        Assert.Equal("Method 'GET /nodes/pve1/foo' not implemented", response.Reason);
    }

    [Fact]
    public async Task Parameter_errors_are_400_with_an_errors_object()
    {
        await using var host = await SimulatorTestHost.StartAsync();

        var badVmid = await host.GetAsync("/nodes/pve1/lxc/abc/status/current");
        var badForm = await host.PostAsync("/nodes/pve1/lxc/100/status/shutdown", new Dictionary<string, string> { ["forceStop"] = "true", ["bogus"] = "1" });

        Assert.Equal(HttpStatusCode.BadRequest, badVmid.Status);
        Assert.Equal("Parameter verification failed.", badVmid.Reason);
        Assert.Equal("type check ('integer') failed - got 'abc'", badVmid.Body!["errors"]!["vmid"]!.GetValue<string>());
        Assert.Equal("type check ('boolean') failed - got 'true'", badForm.Body!["errors"]!["forceStop"]!.GetValue<string>());
        Assert.Equal("property is not defined in schema and the schema does not allow additional properties", badForm.Body!["errors"]!["bogus"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pve7_error_bodies_carry_no_message()
    {
        await using var host = await SimulatorTestHost.StartAsync(new SimulatorOptions { Version = PveVersionMode.Pve7 });

        var response = await host.PostAsync("/nodes/pve1/lxc/100/status/start");

        Assert.Equal("CT 100 already running", response.Reason);
        Assert.Equal("""{"data":null}""", response.RawBody);
    }
}
