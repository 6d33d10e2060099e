using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace PveOperator.Tests.Simulator;

public sealed class AdminApiTests
{
    [Fact]
    public async Task Admin_api_adds_containers_changes_state_and_reports_counters()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        using var admin = host.CreateClient(authorization: null);

        var added = await admin.PostAsJsonAsync("/_sim/containers", new { vmid = 200, node = "pve2", name = "added", running = true });
        var drift = await admin.PostAsync("/_sim/containers/100/state?running=false", null);
        var migrate = await admin.PostAsync("/_sim/containers/101/migrate?target=pve2", null);
        var faults = await admin.PostAsJsonAsync("/_sim/faults", new { errorRates = new[] { new { method = "GET", template = "/version", rate = 1.0, statusCode = 596 } } });
        var faulted = await host.GetAsync("/version");
        var cleared = await admin.DeleteAsync("/_sim/faults");
        var missing = await admin.PostAsync("/_sim/containers/999/state?running=true", null);
        var counters = JsonNode.Parse(await admin.GetStringAsync("/_sim/counters"))!;

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, drift.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, migrate.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, faults.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(596, faulted.Code);
        Assert.Equal("running", await host.StatusOfAsync("pve2", 200));
        Assert.Equal("stopped", await host.StatusOfAsync("pve1", 100));
        Assert.Equal("pve2", host.Cluster.GetContainer(101)!.Node);
        Assert.Equal(1, counters["requests"]!["GET /version"]!.GetValue<long>());
        // The added CT got a default net0 with a DHCP lease.
        Assert.Contains("ip=dhcp", host.Cluster.GetContainer(200)!.Net["net0"], StringComparison.Ordinal);
        Assert.NotEmpty(host.Cluster.GetContainer(200)!.DhcpAddresses["eth0"]);
    }
}
