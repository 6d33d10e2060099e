using System.Net;
using System.Net.Http.Json;

namespace PveOperator.Tests.Simulator;

/// <summary>FaultInjection.ChangeConfigBeforeNextWrite: another writer between a client's read and its write, on demand.</summary>
public sealed class DigestConflictTests
{
    private const string Stopped = "/nodes/pve1/lxc/101";
    private const string Conflict = "detected modified configuration - file changed by other user? Try again.";

    [Fact]
    public async Task The_next_write_with_the_digest_read_before_is_refused_once_and_a_write_after_a_new_read_succeeds()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Server.Faults.ChangeConfigBeforeNextWrite(101, new Dictionary<string, string?> { ["tty"] = "4" });
        var digest = (await host.GetAsync(Stopped + "/pending")).Data!.AsArray().Single(e => e!["key"]!.GetValue<string>() == "digest")!["value"]!.GetValue<string>();

        var first = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["memory"] = "1024", ["digest"] = digest });
        var reread = (await host.GetAsync(Stopped + "/config")).Data!["digest"]!.GetValue<string>();
        var second = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["memory"] = "1024", ["digest"] = reread });

        Assert.Equal((500, Conflict), (first.Code, first.Reason));
        Assert.Equal(200, second.Code);
        Assert.Equal(("4", 1024), (host.Cluster.GetContainer(101)!.ConfigValue("tty"), host.Cluster.GetContainer(101)!.MemoryMb));
        Assert.Equal(0, host.Server.Faults.PendingConfigChangesBeforeWrite(101));
    }

    [Fact]
    public async Task A_write_without_a_digest_is_not_refused_but_still_lands_after_the_other_change()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Server.Faults.ChangeConfigBeforeNextWrite(101, new Dictionary<string, string?> { ["memory"] = "4096" });

        var response = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["memory"] = "1024" });

        Assert.Equal(200, response.Code);
        Assert.Equal(1024, host.Cluster.GetContainer(101)!.MemoryMb);
    }

    [Fact]
    public async Task The_admin_api_can_queue_the_same_conflict()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        using var admin = host.CreateClient(authorization: null);
        var digest = (await host.GetAsync(Stopped + "/config")).Data!["digest"]!.GetValue<string>();

        var queued = await admin.PostAsJsonAsync("/_sim/containers/101/config?beforeNextWrite=1", new Dictionary<string, object?> { ["description"] = "edited in the GUI" });
        var unchanged = host.Cluster.GetContainer(101)!.Description;
        var write = await host.PutAsync(Stopped + "/config", new Dictionary<string, string> { ["onboot"] = "1", ["digest"] = digest });

        Assert.Equal(HttpStatusCode.NoContent, queued.StatusCode);
        Assert.Null(unchanged);
        Assert.Equal((500, Conflict), (write.Code, write.Reason));
        Assert.Equal("edited in the GUI", host.Cluster.GetContainer(101)!.Description);
        Assert.Null(host.Cluster.GetContainer(101)!.ConfigValue("onboot"));
    }
}
