using PveOperator.Controllers;
using PveOperator.Entities;
using static PveOperator.Tests.Controllers.ContainerHarness;

namespace PveOperator.Tests.Controllers.Configuration;

/// <summary>The configuration half of a reconcile against the in-process simulator, with a fake clock.</summary>
public sealed class ConfigReconcileTests : IAsyncLifetime
{
    private ContainerHarness h = null!;

    public async Task InitializeAsync() => h = await ContainerHarness.StartAsync();

    public async Task DisposeAsync() => await h.DisposeAsync();

    private static V1Alpha1LxcContainer Managed(int vmid, Action<LxcContainerSpec> set, PowerState? desired = null)
    {
        var container = Container(vmid, desired);
        set(container.Spec);
        return container;
    }

    private static string? Status(V1Alpha1LxcContainer container, string type) => FindCondition(container, type)?.Status;

    [Fact]
    public async Task Adopting_with_a_spec_that_matches_reads_the_config_once_and_writes_nothing()
    {
        h.AddContainer(101, "pve1", running: true);
        await h.SyncAsync();
        var container = Managed(101, s => s.Resources = new ContainerResources { Memory = "512Mi" });

        var (_, calls) = await h.ReconcileCountingAsync(container);

        Assert.Equal(1, calls.Count(c => c == PveCalls.Pending));
        Assert.DoesNotContain(PveCalls.UpdateConfig, calls);
        Assert.Equal("True", Status(container, ConditionTypes.Synced));
        Assert.Equal("False", Status(container, ConditionTypes.RestartRequired));
        Assert.Null(container.Status!.Drift);
    }

    [Fact]
    public async Task A_live_key_on_a_running_container_is_applied_with_one_write_and_read_back()
    {
        h.AddContainer(101, "pve1", running: true);
        await h.SyncAsync();
        var container = Managed(101, s =>
        {
            s.Resources = new ContainerResources { Memory = "2Gi" };
            s.Tags = ["Web"];
        });

        var (_, calls) = await h.ReconcileCountingAsync(container);

        Assert.Equal(1, calls.Count(c => c == PveCalls.UpdateConfig));
        Assert.Equal(2, calls.Count(c => c == PveCalls.Pending));
        var config = h.Cluster.GetContainer(101)!.Config;
        Assert.Equal("2048", config.Get("memory"));
        Assert.Equal("web", config.Get("tags"));
        Assert.Equal(("True", Reasons.Running), Ready(container));
        Assert.Equal("True", Status(container, ConditionTypes.Synced));
        Assert.Contains(h.Events.Events, e => e.Reason == Reasons.ConfigApplied);
    }

    [Fact]
    public async Task A_key_PVE_keeps_pending_on_a_running_container_is_reported_and_restarted_with_IfRequired()
    {
        h.AddContainer(101, "pve1", running: true);
        await h.SyncAsync();
        var container = Managed(101, s => s.Dns = new DnsSpec { SearchDomain = "lan" });

        await h.ReconcileAsync(container);

        Assert.Equal("True", Status(container, ConditionTypes.RestartRequired));
        Assert.Equal(["searchdomain"], container.Status!.PendingChanges);
        Assert.Equal(("True", Reasons.Running), Ready(container));
        Assert.Equal("True", Status(container, ConditionTypes.Synced));
        Assert.Equal(0, h.PowerActions("reboot"));

        container.Spec.RestartPolicy = RestartPolicy.IfRequired;
        container.Metadata.Generation = 2;
        await h.ReconcileAsync(container);

        Assert.Equal(1, h.PowerActions("reboot"));
        Assert.Equal(OperationType.Restart, container.Status!.Operation!.Type);
        await h.EndTaskAsync(container);
        await h.ReconcileAsync(container);

        Assert.Null(container.Status!.Operation);
        Assert.Equal("False", Status(container, ConditionTypes.RestartRequired));
        Assert.Equal("lan", h.Cluster.GetContainer(101)!.Config.Get("searchdomain"));
        Assert.Equal(1, h.PowerActions("reboot"));
    }

    [Fact]
    public async Task A_smaller_disk_is_refused_as_CannotShrink_and_nothing_is_sent()
    {
        h.AddContainer(101, "pve1", running: false);
        await h.SyncAsync();
        var container = Managed(101, s => s.Rootfs = new RootfsSpec { Size = "4Gi" }, PowerState.Stopped);

        var (_, calls) = await h.ReconcileCountingAsync(container);

        Assert.DoesNotContain(PveCalls.Resize, calls);
        Assert.DoesNotContain(PveCalls.UpdateConfig, calls);
        Assert.Equal(("False", Reasons.CannotShrink), Ready(container));
        Assert.True(IsStalled(container));
        Assert.Equal(Reasons.CannotShrink, FindCondition(container, ConditionTypes.Synced)!.Reason);
    }

    [Fact]
    public async Task A_bigger_disk_is_grown_with_a_resize_task()
    {
        h.AddContainer(101, "pve1", running: false);
        await h.SyncAsync();
        var container = Managed(101, s => s.Rootfs = new RootfsSpec { Size = "16Gi" }, PowerState.Stopped);

        await h.ReconcileAsync(container);

        Assert.Equal(OperationType.Resize, container.Status!.Operation!.Type);
        Assert.Equal(("False", Reasons.Resizing), Ready(container));
        await h.EndTaskAsync(container);
        await h.ReconcileAsync(container);

        Assert.Contains("size=16G", h.Cluster.GetContainer(101)!.Config.Get("rootfs"), StringComparison.Ordinal);
        Assert.Equal("True", Status(container, ConditionTypes.Synced));
        Assert.Contains(h.Events.Events, e => e.Reason == Reasons.Resized);
    }

    [Fact]
    public async Task ObserveOnly_lists_the_drift_and_writes_nothing()
    {
        h.AddContainer(101, "pve1", running: true);
        await h.SyncAsync();
        var container = Managed(101, s =>
        {
            s.ManagementPolicy = ManagementPolicy.ObserveOnly;
            s.Resources = new ContainerResources { Memory = "1Gi", Cores = 4 };
        });

        var (_, calls) = await h.ReconcileCountingAsync(container);

        Assert.DoesNotContain(calls, c => c.StartsWith("PUT", StringComparison.Ordinal) || c.StartsWith("POST", StringComparison.Ordinal));
        Assert.Equal(Reasons.ObserveOnly, FindCondition(container, ConditionTypes.Synced)!.Reason);
        Assert.Equal(
            [new DriftEntry { Field = "resources.cores", Desired = "4", Actual = "1" }, new DriftEntry { Field = "resources.memory", Desired = "1Gi", Actual = "512Mi" }],
            container.Status!.Drift!.OrderBy(d => d.Field, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Drift_made_in_PVE_is_found_at_the_next_refresh_and_corrected()
    {
        h.AddContainer(101, "pve1", running: true);
        await h.SyncAsync();
        var container = Managed(101, s => s.Description = "managed in Git");
        await h.ReconcileAsync(container);
        Assert.Equal("managed in Git", h.Cluster.GetContainer(101)!.Config.Get("description"));

        h.Cluster.GetContainer(101)!.Config.Set("description", "changed in the GUI");
        var (_, early) = await h.ReconcileCountingAsync(container);
        Assert.DoesNotContain(PveCalls.Pending, early);

        h.Clock.Advance(h.Settings.ConfigRefreshInterval);
        await h.ReconcileAsync(container);

        Assert.Equal("managed in Git", h.Cluster.GetContainer(101)!.Config.Get("description"));
        Assert.Equal("True", Status(container, ConditionTypes.Synced));
    }

    [Fact]
    public async Task Memory_changed_in_PVE_shows_in_the_snapshot_and_is_read_at_once()
    {
        h.AddContainer(101, "pve1", running: true);
        await h.SyncAsync();
        var container = Managed(101, s => s.Resources = new ContainerResources { Memory = "1Gi" });
        await h.ReconcileAsync(container);

        h.Cluster.GetContainer(101)!.Config.Set("memory", "4096");
        h.Cluster.RefreshResources();
        await h.SyncAsync();
        await h.ReconcileAsync(container);

        Assert.Equal("1024", h.Cluster.GetContainer(101)!.Config.Get("memory"));
    }

    [Fact]
    public async Task A_write_refused_for_a_changed_digest_is_read_again_and_retried()
    {
        h.AddContainer(101, "pve1", running: true);
        await h.SyncAsync();
        var container = Managed(101, s => s.Hostname = "web");
        // PVE's answer when the config changed between the operator's read and its write (the digest no longer matches).
        h.Faults.SetErrorRate("PUT", "/nodes/{node}/lxc/{vmid}/config", 1.0, 500, "detected modified configuration - file changed by other user? Try again.");

        var first = await h.ReconcileAsync(container);
        Assert.Equal(After(TimeSpan.Zero), first);
        Assert.NotEqual("web", h.Cluster.GetContainer(101)!.Config.Get("hostname"));
        h.Faults.Clear();
        await h.ReconcileAsync(container);

        Assert.Equal("web", h.Cluster.GetContainer(101)!.Config.Get("hostname"));
        Assert.Equal("True", Status(container, ConditionTypes.Synced));
    }
}
