using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.Proxmox;
using PveOperator.Runtime;
using static PveOperator.Tests.Controllers.ContainerHarness;

namespace PveOperator.Tests.Controllers;

/// <summary>Locating a container, the steady state, and one power action from POST to its task's end.</summary>
public sealed class LxcContainerReconcilerTests : IAsyncLifetime
{
    private ContainerHarness h = null!;

    public async Task InitializeAsync() => h = await ContainerHarness.StartAsync();

    public async Task DisposeAsync() => await h.DisposeAsync();

    [Fact]
    public async Task A_missing_provider_is_reported_as_not_ready_without_touching_pve()
    {
        h.Registry.Remove(ProviderName);
        h.ProviderExists = false;
        var container = Container(101);

        var (result, calls) = await h.ReconcileCountingAsync(container);

        Assert.Empty(calls);
        Assert.Equal(After(h.Settings.ProviderNotReadyRetry), result);
        Assert.Equal(("False", Reasons.ProviderNotReady), Ready(container));
        Assert.True(IsStalled(container));
        Assert.Contains("ProxmoxProvider lab not found", Condition(container, ConditionTypes.Ready).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_resource_for_a_claimed_container_is_a_conflict_and_costs_no_pve_call()
    {
        h.AddContainer(101, "pve1", running: true);
        await h.SyncAsync();
        var holder = h.Cached(Container(101, PowerState.Running, name: "web"));
        holder.Metadata.CreationTimestamp = new DateTime(2025, 3, 1, 11, 0, 0, DateTimeKind.Utc);
        await h.ReconcileAsync(holder);
        var twin = h.Cached(Container(101, PowerState.Stopped, name: "twin"));
        twin.Metadata.Uid = "uid-twin";
        twin.Metadata.CreationTimestamp = new DateTime(2025, 3, 1, 11, 30, 0, DateTimeKind.Utc);

        var (_, calls) = await h.ReconcileCountingAsync(twin);
        var (_, again) = await h.ReconcileCountingAsync(twin);

        Assert.Empty(calls.Concat(again));
        Assert.Equal(("False", Reasons.Conflict), Ready(twin));
        Assert.True(IsStalled(twin));
        Assert.Contains("apps/web-101", Condition(twin, ConditionTypes.Ready).Message, StringComparison.Ordinal);
        Assert.Single(h.Events.Warnings, w => w.Reason == Reasons.Conflict);

        // Deleting the twin leaves the holder's container alone, even with deletionPolicy Stop.
        twin.Spec.DeletionPolicy = DeletionPolicy.Stop;
        var (done, deleting) = await h.FinalizeCountingAsync(twin);
        Assert.Equal(ReconcileResult.Done, done);
        Assert.Empty(deleting);

        // Once the holder is gone from the cache, the twin takes over.
        h.Containers.Remove("apps/web-101");
        twin.Spec.DeletionPolicy = null;
        await h.ReconcileAsync(twin);
        Assert.Equal(1, h.PowerActions("shutdown"));
    }

    [Fact]
    public async Task A_provider_not_connected_yet_is_progress_not_a_stall()
    {
        h.Registry.Remove(ProviderName);
        var container = Container(101);

        await h.ReconcileAsync(container);

        Assert.Equal(("False", Reasons.ProviderNotReady), Ready(container));
        Assert.True(IsReconciling(container));
        Assert.False(IsStalled(container));
    }

    [Fact]
    public async Task A_provider_that_is_not_ready_passes_its_reason_on()
    {
        h.Connection.Health = new ProviderHealth(false, Reasons.AuthenticationFailed, "PVE refused token operator@pve!k8s", Stalled: true);
        var container = Container(101);

        var (result, calls) = await h.ReconcileCountingAsync(container);

        Assert.Empty(calls);
        Assert.Equal(After(h.Settings.ProviderNotReadyRetry), result);
        Assert.Equal(("False", Reasons.ProviderNotReady), Ready(container));
        Assert.True(IsStalled(container));
        Assert.Contains(Reasons.AuthenticationFailed, Condition(container, ConditionTypes.Ready).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pinned_node_outside_the_cluster_is_not_found_and_the_available_nodes_are_listed()
    {
        h.AddContainer(101, "pve1", running: false);
        await h.SyncAsync();
        var container = Container(101, node: "pve9");

        var (result, calls) = await h.ReconcileCountingAsync(container);

        Assert.Empty(calls);
        Assert.Equal(After(h.Settings.NotFoundRetry), result);
        Assert.Equal(("False", Reasons.NotFound), Ready(container));
        Assert.True(IsStalled(container));
        var message = Condition(container, ConditionTypes.Ready).Message;
        Assert.Contains("pve9", message, StringComparison.Ordinal);
        Assert.Contains("pve1, pve2", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_vmid_on_no_node_is_not_found()
    {
        h.AddContainer(101, "pve1", running: true);
        await h.SyncAsync();
        var container = Container(999);

        var (result, calls) = await h.ReconcileCountingAsync(container);

        Assert.Empty(calls);
        Assert.Equal(After(h.Settings.NotFoundRetry), result);
        Assert.Equal(("False", Reasons.NotFound), Ready(container));
        var message = Condition(container, ConditionTypes.Ready).Message;
        Assert.Contains("CT 999", message, StringComparison.Ordinal);
        Assert.Contains("pve1, pve2", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_converged_running_container_costs_no_pve_call_and_no_status_write()
    {
        var ct = h.AddContainer(101, "pve1", running: true);
        ct.Name = "web01";
        Addresses.Lease(ct, "eth0", "BC:24:11:00:00:01", "192.168.1.51/24");
        h.Cluster.AddContainer(ct);
        await h.SyncAsync();
        var container = Container(101);

        var (first, _) = await h.ReconcileCountingAsync(container);

        Assert.Equal(("True", Reasons.Running), Ready(container));
        Assert.Null(FindCondition(container, ConditionTypes.Reconciling));
        Assert.Null(FindCondition(container, ConditionTypes.Stalled));
        Assert.Equal(("pve1", "running", true, "web01"), (container.Status.Node, container.Status.State, container.Status.Running, container.Status.Hostname));
        Assert.Equal(1, container.Status.ObservedGeneration);
        Assert.True(first.Delay > TimeSpan.Zero && first.Delay <= h.Settings.ResyncInterval);
        var writes = h.Writer.Writes.Count;

        h.Clock.Advance(TimeSpan.FromSeconds(30));
        await h.SyncAsync();
        var (_, calls) = await h.ReconcileCountingAsync(container);

        Assert.Empty(calls);
        Assert.Equal(writes, h.Writer.Writes.Count);
        Assert.Equal(("True", Reasons.Running), Ready(container));
        Assert.Empty(h.Events.Events);
    }

    [Fact]
    public async Task A_converged_stopped_container_costs_no_pve_call_and_no_status_write()
    {
        h.AddContainer(101, "pve1", running: false);
        await h.SyncAsync();
        var container = Container(101, PowerState.Stopped);

        var (first, firstCalls) = await h.ReconcileCountingAsync(container);

        Assert.Equal([PveCalls.Status], firstCalls); // nothing observed yet: confirm once
        Assert.Equal(After(h.Settings.ResyncInterval), first);
        Assert.Equal(("True", Reasons.Stopped), Ready(container));
        Assert.False(container.Status.Running);
        var writes = h.Writer.Writes.Count;

        h.Clock.Advance(TimeSpan.FromMinutes(1));
        await h.SyncAsync();
        var (second, calls) = await h.ReconcileCountingAsync(container);

        Assert.Empty(calls);
        Assert.Equal(first, second);
        Assert.Equal(writes, h.Writer.Writes.Count);
    }

    [Fact]
    public async Task A_stopped_container_that_should_run_is_started_once_and_the_upid_is_stored_before_anything_else()
    {
        h.AddContainer(101, "pve1", running: false);
        await h.SyncAsync();
        var container = Container(101, PowerState.Running);

        var (result, calls) = await h.ReconcileCountingAsync(container);

        Assert.Equal([PveCalls.Status, PveCalls.Start], calls);
        Assert.Equal(After(h.Settings.TaskPollInterval), result);
        var pending = container.Status.Operation;
        Assert.NotNull(pending);
        Assert.Equal((OperationType.Start, 1L), (pending.Type, pending.Generation));
        var upid = Upid.Parse(pending.Upid!);
        var task = await h.TaskStatusAsync(upid.Raw); // a task PVE knows: the start it received
        Assert.Equal(("vzstart", "101", "pve1"), (task.Type, task.Id, upid.Node));
        Assert.Equal(1, h.Counters.PowerActions(101, "start"));
        Assert.Equal(h.Clock.GetUtcNow().UtcDateTime, pending.StartedAt);
        Assert.Equal(("False", Reasons.Starting), Ready(container));
        Assert.True(IsReconciling(container));
        Assert.False(IsStalled(container));
        Assert.Equal(("pve1", false), (container.Status.Node, container.Status.Running));

        // POST, then the status with the operation and its UPID, then the event: a crash after the POST cannot lose the
        // task. A start is not written before its POST (OperationRecording): a lost answer only costs a look.
        var entries = h.Journal.Entries.ToList();
        var posted = h.Journal.IndexOf("pve start 101");
        var firstWrite = entries.FindIndex(e => e.StartsWith("write", StringComparison.Ordinal));
        var stored = entries.FindIndex(e => e.StartsWith("write", StringComparison.Ordinal) && e.Contains(upid.Raw, StringComparison.Ordinal));
        var announced = h.Journal.IndexOf("event Normal Starting");
        Assert.True(posted >= 0 && posted < stored && stored == firstWrite && stored < announced, string.Join("\n", h.Journal.Entries));
        Assert.Single(h.Writer.Writes); // the final write of the reconcile found nothing new
        Assert.Equal(1, h.Connection.ActionSlots.InUse("pve1"));
    }

    [Fact]
    public async Task A_running_task_is_only_polled_and_never_sent_again()
    {
        h.AddContainer(101, "pve1", running: false);
        await h.SyncAsync();
        var container = Container(101);
        await h.ReconcileAsync(container);
        var writes = h.Writer.Writes.Count;

        for (var i = 0; i < 3; i++)
        {
            h.Clock.Advance(h.Settings.TaskPollInterval);
            await h.SyncAsync();
            var (result, calls) = await h.ReconcileCountingAsync(container);

            Assert.Equal([PveCalls.Task], calls);
            Assert.Equal(After(h.Settings.TaskPollInterval), result);
        }

        Assert.Equal(1, h.PowerActions("start"));
        Assert.Equal(writes, h.Writer.Writes.Count);
        Assert.Equal(("False", Reasons.Starting), Ready(container));
    }

    [Fact]
    public async Task After_a_restart_the_pending_task_is_resumed_and_holds_its_slot()
    {
        h.AddContainer(101, "pve1", running: false);
        await h.SyncAsync();
        var container = Container(101);
        await h.ReconcileAsync(container);

        await h.ConnectAsync(); // the operator restarted: memory and slots are gone, the status kept the UPID
        var (result, calls) = await h.ReconcileCountingAsync(container);

        Assert.Equal([PveCalls.Task], calls);
        Assert.Equal(After(h.Settings.TaskPollInterval), result);
        Assert.Equal(1, h.Connection.ActionSlots.InUse("pve1"));
        Assert.Equal(1, h.PowerActions("start"));
    }

    [Fact]
    public async Task A_finished_task_is_cleared_and_the_container_re_read_even_though_the_snapshot_lags()
    {
        h.AddContainer(101, "pve1", running: false);
        await h.SyncAsync();
        var container = Container(101);
        await h.ReconcileAsync(container);
        await h.EndTaskAsync(container);
        h.Clock.Advance(TimeSpan.FromSeconds(2));

        var (result, calls) = await h.ReconcileCountingAsync(container); // the snapshot still says stopped

        Assert.Equal([PveCalls.Config, PveCalls.Interfaces, PveCalls.Status, PveCalls.Task], calls);
        Assert.Null(container.Status.Operation);
        Assert.Equal(("True", Reasons.Running), Ready(container));
        Assert.Null(FindCondition(container, ConditionTypes.Reconciling));
        Assert.True(container.Status.Running);
        Assert.Equal("running", container.Status.State);
        Assert.Equal(0, h.Connection.ActionSlots.InUse("pve1"));
        Assert.Equal(RequeueMode.After, result.Mode);

        // Until the snapshot has caught up, the fresh read wins: no "correcting" the container just started.
        h.Clock.Advance(TimeSpan.FromSeconds(3));
        var (_, again) = await h.ReconcileCountingAsync(container);
        Assert.Contains(PveCalls.Status, again);
        Assert.Equal(1, h.PowerActions("start"));
        Assert.Equal(("True", Reasons.Running), Ready(container));
    }

    [Fact]
    public async Task A_task_the_node_forgot_is_dropped_and_the_container_re_observed()
    {
        h.AddContainer(101, "pve1", running: false);
        await h.SyncAsync();
        var container = Container(101);
        await h.ReconcileAsync(container);
        await h.EndTaskAsync(container);  // it did start ...
        h.Faults.ForgetTasks = true;      // ... but the node rebooted and forgot the task
        h.Clock.Advance(TimeSpan.FromSeconds(2));

        await h.ReconcileAsync(container);

        Assert.Null(container.Status.Operation);
        Assert.Equal(("True", Reasons.Running), Ready(container));
        Assert.Equal(0, h.Connection.ActionSlots.InUse("pve1"));
        Assert.Equal(1, h.PowerActions("start"));
    }

    /// <summary>
    /// The CT takes 90 s to shut down by itself, so PVE's task shows which timeout and forceStop it was given: it ends
    /// after the timeout (killed, or failed without forceStop) or after the 90 s the CT needed (graceful).
    /// </summary>
    [Theory]
    [InlineData(null, null, 60, true)]   // defaults: 60 s, then killed
    [InlineData(120, false, 90, true)]   // graceful within the timeout
    [InlineData(0, true, 0, true)]       // killed at once
    [InlineData(30, false, 30, false)]   // not killed: PVE gives up, the CT keeps running
    public async Task A_running_container_that_should_stop_is_shut_down_as_the_spec_says(int? timeout, bool? forceStop, int taskEndsAfterSeconds, bool stops)
    {
        h.AddContainer(101, "pve1", running: true).ShutdownDuration = TimeSpan.FromSeconds(90);
        await h.SyncAsync();
        var container = Container(101, PowerState.Stopped);
        if (timeout is not null || forceStop is not null)
        {
            container.Spec.Shutdown = new ShutdownSpec { TimeoutSeconds = timeout, ForceStop = forceStop };
        }

        var (result, calls) = await h.ReconcileCountingAsync(container);

        Assert.Equal([PveCalls.Status, PveCalls.Shutdown], calls);
        Assert.Equal(After(h.Settings.TaskPollInterval), result);
        Assert.Equal(OperationType.Shutdown, container.Status.Operation?.Type);
        Assert.Equal(("False", Reasons.Stopping), Ready(container));

        var upid = container.Status.Operation!.Upid!;
        h.Clock.Advance(ContainerHarness.TaskDuration + TimeSpan.FromSeconds(taskEndsAfterSeconds) - TimeSpan.FromSeconds(1));
        Assert.True((await h.TaskStatusAsync(upid)).IsRunning, "the shutdown ended before its timeout");
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        var task = await h.TaskEndedAsync(upid);
        await h.ReconcileAsync(container);

        Assert.Equal(stops, task.Succeeded);
        Assert.Equal(!stops, h.Cluster.GetContainer(101)!.Running);
        Assert.Equal(stops ? ("True", Reasons.Stopped) : ("False", Reasons.TaskFailed), Ready(container));
        Assert.Null(container.Status.Operation);
    }

    [Fact]
    public async Task The_status_follows_a_container_that_migrated()
    {
        h.AddContainer(101, "pve1", running: true);
        await h.SyncAsync();
        var container = Container(101);
        await h.ReconcileAsync(container);
        Assert.Equal("pve1", container.Status.Node);

        h.Cluster.MigrateContainer(101, "pve2");
        h.Clock.Advance(TimeSpan.FromSeconds(30));
        await h.SyncAsync();
        h.Counters.Reset();
        await h.ReconcileAsync(container);

        Assert.Equal("pve2", container.Status.Node);
        Assert.Equal(("True", Reasons.Running), Ready(container));
        Assert.Contains("pve2", Condition(container, ConditionTypes.Ready).Message, StringComparison.Ordinal);
        Assert.Equal(0, h.Counters.MaxInFlightPerNode("pve1")); // nothing asked of the node it left
    }

    [Fact]
    public async Task A_container_away_from_its_pinned_node_is_migrated_there_in_restart_mode()
    {
        h.AddContainer(101, "pve2", running: true);
        await h.SyncAsync();
        var container = Container(101, node: "pve1");

        var (_, calls) = await h.ReconcileCountingAsync(container);

        Assert.Equal([PveCalls.Status, PveCalls.Migrate], calls);
        Assert.Equal(("False", Reasons.Migrating), Ready(container));
        Assert.Equal(OperationType.Migrate, container.Status!.Operation!.Type);
        Assert.Equal(("pve2", "pve1"), (container.Status.Operation.Node, container.Status.Operation.Target));
        Assert.Equal(0, h.PowerActions("start"));
    }
}
