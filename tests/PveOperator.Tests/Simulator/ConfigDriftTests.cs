using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace PveOperator.Tests.Simulator;

public sealed class ConfigDriftTests
{
    [Fact]
    public async Task Admin_config_edit_changes_keys_behind_the_APIs_back_and_the_digest_with_them()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        using var admin = host.CreateClient(authorization: null);
        var before = (await host.GetAsync("/nodes/pve1/lxc/101/config")).Data!["digest"]!.GetValue<string>();

        var edit = await admin.PostAsJsonAsync("/_sim/containers/101/config", new Dictionary<string, object?> { ["memory"] = 4096, ["tags"] = "manual", ["swap"] = null });
        var pendingEdit = await admin.PostAsJsonAsync("/_sim/containers/101/config?pending=1", new Dictionary<string, object?> { ["cores"] = "4" });
        var missing = await admin.PostAsJsonAsync("/_sim/containers/999/config", new Dictionary<string, object?> { ["memory"] = 1 });
        var config = (await host.GetAsync("/nodes/pve1/lxc/101/config?current=1")).Data!;
        var file = JsonNode.Parse(await admin.GetStringAsync("/_sim/containers/101/config"))!;
        var stale = await host.PutAsync("/nodes/pve1/lxc/101/config", new Dictionary<string, string> { ["memory"] = "512", ["digest"] = before });

        Assert.Equal(HttpStatusCode.NoContent, edit.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, pendingEdit.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(4096, config["memory"]!.GetValue<int>());
        Assert.Equal("manual", config["tags"]!.GetValue<string>());
        Assert.Null(config["swap"]);
        Assert.Equal("4", file["pending"]!["cores"]!.GetValue<string>());
        Assert.Contains("[pve:pending]\ncores: 4\n", file["file"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(config["digest"]!.GetValue<string>(), file["digest"]!.GetValue<string>());
        Assert.Equal((500, "detected modified configuration - file changed by other user? Try again."), (stale.Code, stale.Reason));
    }
}
