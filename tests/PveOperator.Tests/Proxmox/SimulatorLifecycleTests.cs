using PveOperator.Proxmox;
using PveSimulator;

namespace PveOperator.Tests.Proxmox;

/// <summary>The client's lifecycle calls (create, clone, template, config, resize, migrate, destroy) against the simulator.</summary>
[Collection(SimulatorClientCollection.Name)]
public sealed class SimulatorLifecycleTests
{
    private const string Debian = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst";

    [Fact]
    public async Task Create_from_a_listed_template_on_a_rootdir_storage_with_an_allocated_vmid()
    {
        await using var pve = await SimulatedPve.StartAsync();
        var client = pve.Client();

        var templates = await client.GetStorageContentAsync("pve1", "local");
        var rootdir = await client.GetStoragesAsync("pve1", content: "rootdir");
        var vmid = await client.GetNextVmidAsync();
        var upid = await client.CreateContainerAsync("pve1", new PveContainerCreateRequest
        {
            Vmid = vmid,
            OsTemplate = templates.Single().VolumeId,
            RootFs = $"{rootdir.Single().Storage}:8",
            Hostname = "web",
            Password = new PveSecret("s3cret-pass"),
            Config = new Dictionary<string, string> { ["memory"] = "1024", ["net0"] = "name=eth0,bridge=vmbr0,ip=dhcp" },
        });
        var task = await SimulatedPve.WaitAsync(client, upid);
        var config = await client.GetContainerConfigValuesAsync("pve1", vmid);

        Assert.Equal(Debian, templates.Single().VolumeId);
        Assert.Equal("tzst", templates.Single().Format);
        Assert.True(rootdir.Single().HoldsContainerDisks);
        Assert.Equal(104, vmid);
        Assert.Equal(("vzcreate", "104"), (upid.Type, upid.Id));
        Assert.True(task.Succeeded, task.ExitStatus);
        Assert.Equal("1024", config.Values["memory"]);
        Assert.Equal("web", config.Values["hostname"]);
        Assert.Equal("local-lvm:vm-104-disk-0,size=8G", config.Values["rootfs"]);
        Assert.DoesNotContain("password", config.Values.Keys);
        Assert.Matches("^[0-9a-f]{40}$", config.Digest);
        Assert.DoesNotContain(pve.Log.Lines, line => line.Contains("s3cret-pass", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Errors_of_the_lifecycle_calls_are_classified()
    {
        await using var pve = await SimulatedPve.StartAsync(new SimulatorOptions
        {
            TaskDuration = TimeSpan.FromMilliseconds(50),
            StorageAllocationDuration = TimeSpan.FromMilliseconds(300),
            StorageLockTimeout = TimeSpan.FromMilliseconds(100),
        });
        var client = pve.Client();
        var create = new PveContainerCreateRequest { Vmid = SimulatedPve.StoppedStatic, OsTemplate = Debian, RootFs = "local-lvm:8" };

        var exists = await Assert.ThrowsAsync<PveApiException>(() => client.CreateContainerAsync("pve1", create));
        var digest = (await client.GetContainerConfigValuesAsync("pve1", SimulatedPve.StoppedStatic)).Digest;
        await client.UpdateContainerConfigAsync("pve1", SimulatedPve.StoppedStatic, new Dictionary<string, string> { ["memory"] = "768" }, digest: digest);
        var stale = await Assert.ThrowsAsync<PveApiException>(() =>
            client.UpdateContainerConfigAsync("pve1", SimulatedPve.StoppedStatic, new Dictionary<string, string> { ["memory"] = "1024" }, digest: digest));
        var shrink = await Assert.ThrowsAsync<PveApiException>(() => client.ResizeContainerDiskAsync("pve1", SimulatedPve.StoppedStatic, "rootfs", "1G"));
        var first = await client.CreateContainerAsync("pve1", create with { Vmid = 200 });
        var second = await client.CreateContainerAsync("pve1", create with { Vmid = 201 });
        var contended = await SimulatedPve.WaitAsync(client, second);

        Assert.Equal(PveErrorKind.AlreadyExists, exists.Kind);
        Assert.Equal(PveErrorKind.DigestMismatch, stale.Kind);
        Assert.Equal(PveErrorKind.CannotShrink, shrink.Kind);
        Assert.True((await SimulatedPve.WaitAsync(client, first)).Succeeded);
        Assert.Equal(PveErrorKind.StorageLocked, PveErrorClassifier.ClassifyTaskFailure(contended.ExitStatus!));
    }

    [Fact]
    public async Task Config_update_on_a_running_CT_leaves_non_hotplug_keys_pending()
    {
        await using var pve = await SimulatedPve.StartAsync();
        var client = pve.Client();

        await client.UpdateContainerConfigAsync("pve1", SimulatedPve.RunningDhcp,
            new Dictionary<string, string> { ["memory"] = "2048", ["searchdomain"] = "lan" }, keysToDelete: ["swap"]);
        var pending = await client.GetContainerPendingAsync("pve1", SimulatedPve.RunningDhcp);
        var current = await client.GetContainerConfigValuesAsync("pve1", SimulatedPve.RunningDhcp, current: true);
        var merged = await client.GetContainerConfigValuesAsync("pve1", SimulatedPve.RunningDhcp);

        Assert.Equal(["searchdomain"], pending.Where(p => p.IsPending).Select(p => p.Key));
        Assert.Equal("2048", current.Values["memory"]);
        Assert.DoesNotContain("swap", current.Values.Keys);
        Assert.DoesNotContain("searchdomain", current.Values.Keys);
        Assert.Equal("lan", merged.Values["searchdomain"]);
        Assert.Contains(pending, p => p.Key == "digest" && p.Value == current.Digest);
    }

    [Fact]
    public async Task Clone_template_resize_migrate_and_destroy_return_their_tasks()
    {
        await using var pve = await SimulatedPve.StartAsync();
        var client = pve.Client();

        await client.ConvertContainerToTemplateAsync("pve1", SimulatedPve.StoppedStatic);
        await PveOperator.Tests.Simulator.SimulatorTestHost.EventuallyAsync(
            async () => (await client.GetContainerConfigValuesAsync("pve1", SimulatedPve.StoppedStatic)).Values.GetValueOrDefault("template") == "1",
            "the CT never became a template");
        var clone = await client.CloneContainerAsync("pve1", SimulatedPve.StoppedStatic, new PveContainerCloneRequest { NewVmid = 300, Hostname = "clone" });
        Assert.True((await SimulatedPve.WaitAsync(client, clone)).Succeeded);
        var resize = await client.ResizeContainerDiskAsync("pve1", 300, "rootfs", "+1G");
        Assert.True((await SimulatedPve.WaitAsync(client, resize)).Succeeded);
        var migrate = await client.MigrateContainerAsync("pve1", 300, "pve2");
        Assert.True((await SimulatedPve.WaitAsync(client, migrate)).Succeeded);
        var destroy = await client.DestroyContainerAsync("pve2", 300);
        Assert.True((await SimulatedPve.WaitAsync(client, destroy)).Succeeded);

        Assert.Equal(("vzclone", "101"), (clone.Type, clone.Id));
        Assert.Equal(("resize", "vzmigrate", "vzdestroy"), (resize.Type, migrate.Type, destroy.Type));
        Assert.Null(pve.Cluster.GetContainer(300));
        Assert.Equal(1, pve.Server.Counters.Get("DELETE /nodes/{node}/lxc/{vmid}"));
    }
}
