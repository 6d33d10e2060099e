using System.Net.Http.Json;
using System.Text.Json;
using PveSimulator;

namespace PveOperator.Tests.Simulator;

public sealed class StorageEndpointTests
{
    [Fact]
    public async Task A_new_cluster_has_local_for_templates_and_local_lvm_for_container_disks()
    {
        await using var host = await SimulatorTestHost.StartAsync();

        var storages = (await host.GetAsync("/nodes/pve1/storage")).Data!.AsArray().ToDictionary(s => s!["storage"]!.GetValue<string>(), s => s!);
        var forDisks = (await host.GetAsync("/nodes/pve1/storage?content=rootdir")).Data!.AsArray();

        Assert.Equal(["local", "local-lvm"], storages.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("lvmthin", storages["local-lvm"]["type"]!.GetValue<string>());
        Assert.Contains("vztmpl", storages["local"]["content"]!.GetValue<string>().Split(','));
        Assert.Equal(JsonValueKind.Number, storages["local"]["active"]!.GetValueKind());
        // Three seeded CTs with 8 GiB root disks each on local-lvm.
        Assert.Equal(3L * 8 << 30, storages["local-lvm"]["used"]!.GetValue<long>());
        Assert.Equal("local-lvm", Assert.Single(forDisks)!["storage"]!.GetValue<string>());
    }

    [Fact]
    public async Task Template_content_lists_vztmpl_volumes_sorted_with_their_format()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.AddStorage(SimStorage.Defaults[0] with
        {
            Templates = [new SimTemplateVolume("ubuntu-24.04-standard_24.04-2_amd64.tar.zst", 1000), new SimTemplateVolume("alpine-3.20-default_20240908_amd64.tar.xz", 500)],
        });

        var volumes = (await host.GetAsync("/nodes/pve1/storage/local/content?content=vztmpl")).Data!.AsArray();

        Assert.Equal(["local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz", "local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst"], volumes.Select(v => v!["volid"]!.GetValue<string>()));
        Assert.Equal(["txz", "tzst"], volumes.Select(v => v!["format"]!.GetValue<string>()));
        Assert.All(volumes, v => Assert.Equal("vztmpl", v!["content"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Unknown_storage_and_missing_datastore_privileges_are_refused_as_PVE_does()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.AddToken("audit@pve!ro", "secret", "VM.Audit");
        using var audit = host.CreateClient("PVEAPIToken=audit@pve!ro=secret");

        var unknown = await host.GetAsync("/nodes/pve1/storage/nope/content");
        var denied = await host.GetAsync("/nodes/pve1/storage/local/content", audit);
        var hidden = (await host.GetAsync("/nodes/pve1/storage", audit)).Data!.AsArray();
        var unknownFilter = await host.GetAsync("/nodes/pve1/storage?storage=nope");

        Assert.Equal((500, "storage 'nope' does not exist"), (unknown.Code, unknown.Reason));
        Assert.Equal((403, "Permission check failed (/storage/local, Datastore.Audit|Datastore.AllocateSpace)"), (denied.Code, denied.Reason));
        Assert.Empty(hidden);
        Assert.Equal("No such storage.", unknownFilter.Body!["errors"]!["storage"]!.GetValue<string>());
    }

    [Fact]
    public async Task Nextid_answers_the_lowest_free_id_as_a_string_and_checks_a_given_one()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        host.Cluster.AddContainer(new SimContainer { Vmid = 103, Node = "pve1" });

        var next = await host.GetAsync("/cluster/nextid");
        var free = await host.GetAsync("/cluster/nextid?vmid=500");
        var used = await host.GetAsync("/cluster/nextid?vmid=101");

        Assert.Equal("""{"data":"104"}""", next.RawBody);
        Assert.Equal("500", free.Data!.GetValue<string>());
        Assert.Equal((400, "Parameter verification failed."), (used.Code, used.Reason));
        Assert.Equal("VM 101 already exists", used.Body!["errors"]!["vmid"]!.GetValue<string>());
    }

    [Fact]
    public async Task Admin_api_and_scenario_storages_replace_or_add_storages()
    {
        await using var host = await SimulatorTestHost.StartAsync();
        using var admin = host.CreateClient(authorization: null);

        var added = await admin.PostAsJsonAsync("/_sim/storages", new { id = "tank", type = "zfspool", content = new[] { "rootdir", "images" } });

        Assert.Equal(System.Net.HttpStatusCode.Created, added.StatusCode);
        Assert.True(host.Cluster.FindStorage("tank")!.SupportsLinkedClone);
        Assert.Contains((await host.GetAsync("/nodes/pve2/storage?content=rootdir")).Data!.AsArray(), s => s!["storage"]!.GetValue<string>() == "tank");
    }
}
