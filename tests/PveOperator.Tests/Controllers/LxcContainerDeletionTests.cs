using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.Runtime;
using static PveOperator.Tests.Controllers.ContainerHarness;

namespace PveOperator.Tests.Controllers;

/// <summary>FinalizeAsync: what deletionPolicy does to the container in PVE before the finalizer goes.</summary>
public sealed class LxcContainerDeletionTests : IAsyncLifetime
{
    private ContainerHarness h = null!;

    public async Task InitializeAsync() => h = await ContainerHarness.StartAsync();

    public async Task DisposeAsync() => await h.DisposeAsync();

    private async Task<V1Alpha1LxcContainer> RunningAsync(DeletionPolicy? policy)
    {
        h.AddContainer(101, "pve1", running: true);
        await h.SyncAsync();
        var container = Container(101);
        container.Spec.DeletionPolicy = policy;
        return container;
    }

    [Theory]
    [InlineData(null)]
    [InlineData(DeletionPolicy.Orphan)]
    public async Task Orphan_leaves_the_container_alone(DeletionPolicy? policy)
    {
        var container = await RunningAsync(policy);

        var result = await h.FinalizeAsync(container);

        Assert.Equal(ReconcileResult.Done, result);
        Assert.Equal(0, h.Counters.ContainerRequests(101));
        Assert.Empty(h.Writer.Writes);
        Assert.True(h.Cluster.GetContainer(101)!.Running);
    }

    [Fact]
    public async Task Orphan_gives_back_the_action_slot_of_a_pending_task()
    {
        h.AddContainer(101, "pve1", running: false);
        await h.SyncAsync();
        var container = Container(101);
        await h.ReconcileAsync(container);
        Assert.Equal(1, h.Connection.ActionSlots.InUse("pve1"));

        Assert.Equal(ReconcileResult.Done, await h.FinalizeAsync(container));
        Assert.Equal(0, h.Connection.ActionSlots.InUse("pve1"));
    }

    [Fact]
    public async Task Stop_shuts_the_container_down_and_is_done_once_it_stopped()
    {
        var container = await RunningAsync(DeletionPolicy.Stop);

        var first = await h.FinalizeAsync(container);

        Assert.Equal(After(h.Settings.TaskPollInterval), first);
        Assert.Equal(1, h.PowerActions("shutdown"));
        Assert.Equal(OperationType.Shutdown, container.Status.Operation?.Type); // stored, so a restart resumes it

        h.Clock.Advance(h.Settings.TaskPollInterval);
        Assert.Equal(After(h.Settings.TaskPollInterval), await h.FinalizeAsync(container));
        Assert.Equal(1, h.PowerActions("shutdown"));

        await h.EndTaskAsync(container);
        var done = await h.FinalizeAsync(container);

        Assert.Equal(ReconcileResult.Done, done);
        Assert.False(h.Cluster.GetContainer(101)!.Running);
        Assert.Contains(h.Events.Normals, e => e.Reason == "Stopped");
        Assert.Equal(0, h.Connection.ActionSlots.InUse("pve1"));
    }

    [Fact]
    public async Task Stop_on_a_stopped_container_is_done_at_once()
    {
        h.AddContainer(101, "pve1", running: false);
        await h.SyncAsync();
        var container = Container(101);
        container.Spec.DeletionPolicy = DeletionPolicy.Stop;

        Assert.Equal(ReconcileResult.Done, await h.FinalizeAsync(container));
        Assert.Equal(0, h.PowerActions("shutdown"));
    }

    [Fact]
    public async Task Stop_with_the_provider_gone_lets_the_deletion_finish_with_a_warning()
    {
        var container = await RunningAsync(DeletionPolicy.Stop);
        h.Registry.Remove(ProviderName);
        h.ProviderExists = false;

        var result = await h.FinalizeAsync(container);

        Assert.Equal(ReconcileResult.Done, result);
        Assert.Equal(0, h.Counters.ContainerRequests(101));
        var warning = Assert.Single(h.Events.Warnings);
        Assert.Equal("ProviderGone", warning.Reason);
        Assert.Contains("CT 101", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_with_the_provider_not_connected_yet_waits()
    {
        var container = await RunningAsync(DeletionPolicy.Stop);
        h.Registry.Remove(ProviderName);

        var result = await h.FinalizeAsync(container);

        Assert.Equal(After(h.Settings.ProviderNotReadyRetry), result);
        Assert.Equal(0, h.Counters.ContainerRequests(101));
        Assert.Empty(h.Events.Events);
    }

    [Fact]
    public async Task Stop_with_the_provider_not_ready_waits_and_says_why()
    {
        var container = await RunningAsync(DeletionPolicy.Stop);
        h.Connection.Health = new ProviderHealth(false, Reasons.Unreachable, "connection refused", Stalled: false);

        var result = await h.FinalizeAsync(container);

        Assert.Equal(After(h.Settings.ProviderNotReadyRetry), result);
        Assert.Equal(0, h.Counters.ContainerRequests(101));
        Assert.Equal(("False", Reasons.ProviderNotReady), Ready(container));
    }
}
