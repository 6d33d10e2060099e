using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.Runtime;
using static PveOperator.Tests.Controllers.ContainerHarness;

namespace PveOperator.Tests.Controllers;

/// <summary>Failed tasks and backoff, answers that are not failures, permissions, locks and per-node action slots.</summary>
public sealed class LxcContainerFailureTests : IAsyncLifetime
{
    private const string StartFailure = "startup for container '101' failed";
    private ContainerHarness h = null!;

    public async Task InitializeAsync() => h = await ContainerHarness.StartAsync(new ContainerControllerSettings { MaxActionsPerNode = 2 });

    public async Task DisposeAsync() => await h.DisposeAsync();

    private async Task<V1Alpha1LxcContainer> StartedAsync(int vmid = 101, string node = "pve1")
    {
        h.AddContainer(vmid, node, running: false);
        await h.SyncAsync();
        var container = Container(vmid);
        await h.ReconcileAsync(container);
        Assert.NotNull(container.Status.Operation);
        return container;
    }

    [Fact]
    public async Task A_failed_task_stalls_with_its_exit_text_warns_and_backs_off_longer_each_time()
    {
        var container = await StartedAsync();
        h.Cluster.GetContainer(101)!.StartFailure = StartFailure;
        await h.EndTaskAsync(container);

        var result = await h.ReconcileAsync(container);

        Assert.Equal(After(TimeSpan.FromSeconds(5)), result);
        Assert.Null(container.Status.Operation);
        Assert.Equal(("False", Reasons.TaskFailed), Ready(container));
        Assert.True(IsStalled(container));
        Assert.False(IsReconciling(container));
        var message = Condition(container, ConditionTypes.Ready).Message;
        Assert.Contains(StartFailure, message, StringComparison.Ordinal);
        Assert.Contains("retrying in 5s", message, StringComparison.Ordinal);
        var warning = Assert.Single(h.Events.Warnings);
        Assert.Equal((Reasons.TaskFailed, message), (warning.Reason, warning.Message));
        Assert.Equal(0, h.Connection.ActionSlots.InUse("pve1"));

        // Woken early (the snapshot changed, say): no new action while the backoff lasts, and the failure stays shown.
        h.Clock.Advance(TimeSpan.FromSeconds(2));
        var writes = h.Writer.Writes.Count;
        var early = await h.ReconcileAsync(container);
        Assert.Equal(After(TimeSpan.FromSeconds(3)), early);
        Assert.Equal(1, h.PowerActions("start"));
        Assert.Equal(writes, h.Writer.Writes.Count);
        Assert.Equal(("False", Reasons.TaskFailed), Ready(container));

        // Once it is over, one new attempt; its failure doubles the wait.
        h.Clock.Advance(TimeSpan.FromSeconds(3));
        await h.ReconcileAsync(container);
        Assert.Equal(2, h.PowerActions("start"));
        await h.EndTaskAsync(container);
        var second = await h.ReconcileAsync(container);
        Assert.Equal(After(TimeSpan.FromSeconds(10)), second);
        Assert.Contains("retrying in 10s", Condition(container, ConditionTypes.Ready).Message, StringComparison.Ordinal);
        Assert.Equal(2, h.Events.Warnings.Count());

        h.Clock.Advance(TimeSpan.FromSeconds(9));
        await h.ReconcileAsync(container);
        Assert.Equal(2, h.PowerActions("start"));
    }

    [Fact]
    public async Task The_backoff_never_exceeds_its_maximum()
    {
        var container = await StartedAsync();
        h.Cluster.GetContainer(101)!.StartFailure = StartFailure;
        TimeSpan last = default;
        for (var i = 0; i < 12; i++)
        {
            await h.EndTaskAsync(container);
            last = (await h.ReconcileAsync(container)).Delay;
            h.Clock.Advance(last);
            await h.ReconcileAsync(container);
        }

        Assert.Equal(h.Settings.FailureBackoffMax, last);
    }

    [Fact]
    public async Task A_new_generation_lifts_the_backoff()
    {
        var container = await StartedAsync();
        h.Cluster.GetContainer(101)!.StartFailure = StartFailure;
        await h.EndTaskAsync(container);
        await h.ReconcileAsync(container);

        h.Clock.Advance(TimeSpan.FromSeconds(1));
        container.Metadata.Generation = 2; // the user changed the spec: try it at once
        await h.ReconcileAsync(container);

        Assert.Equal(2, h.PowerActions("start"));
        Assert.Equal(("False", Reasons.Starting), Ready(container));
        Assert.False(IsStalled(container));
        Assert.Equal(2, container.Status.ObservedGeneration);
    }

    [Fact]
    public async Task Success_after_failures_resets_the_backoff()
    {
        var container = await StartedAsync();
        var ct = h.Cluster.GetContainer(101)!;
        ct.StartFailure = StartFailure;
        await h.EndTaskAsync(container);
        await h.ReconcileAsync(container);
        h.Clock.Advance(TimeSpan.FromSeconds(5));
        await h.ReconcileAsync(container);
        ct.StartFailure = null;
        await h.EndTaskAsync(container);
        await h.ReconcileAsync(container);
        Assert.Equal(("True", Reasons.Running), Ready(container));

        h.Cluster.SetContainerStatus(101, running: false); // stopped behind the operator's back
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        await h.SyncAsync();
        await h.ReconcileAsync(container);
        ct.StartFailure = StartFailure;
        await h.EndTaskAsync(container);

        Assert.Equal(After(TimeSpan.FromSeconds(5)), await h.ReconcileAsync(container));
    }

    [Fact]
    public async Task Already_running_is_not_a_failure_but_a_reason_to_look_again()
    {
        h.AddContainer(101, "pve1", running: false);
        await h.SyncAsync();
        // Someone started it between the operator's look and its request.
        h.BeforePowerAction = (vmid, _) => h.Cluster.SetContainerStatus(vmid, running: true);
        var container = Container(101);

        var result = await h.ReconcileAsync(container);

        Assert.Equal(After(TimeSpan.Zero), result);
        Assert.Null(container.Status.Operation);
        Assert.Equal(("False", Reasons.Observing), Ready(container));
        Assert.False(IsStalled(container));
        Assert.Empty(h.Events.Warnings);
        Assert.Equal(0, h.Connection.ActionSlots.InUse("pve1"));

        // What PVE meant; the snapshot still lags.
        var (_, calls) = await h.ReconcileCountingAsync(container);

        Assert.Contains(PveCalls.Status, calls);
        Assert.Equal(("True", Reasons.Running), Ready(container));
        Assert.Equal(1, h.PowerActions("start"));
    }

    [Fact]
    public async Task An_unknown_outcome_is_not_sent_again_within_the_hold()
    {
        h.AddContainer(101, "pve1", running: false);
        await h.SyncAsync();
        // 596: the proxy gave up waiting for the node; whether the start happened nobody can say (here: it did not).
        h.Faults.SetErrorRate("POST", PveCalls.Start, 1.0, 596);
        var container = Container(101);

        var result = await h.ReconcileAsync(container);
        h.Faults.SetErrorRate("POST", PveCalls.Start, 0, 596);

        Assert.Equal(After(h.Settings.TaskPollInterval), result);
        Assert.Equal(("False", Reasons.Observing), Ready(container));
        Assert.False(IsStalled(container));
        Assert.Equal(0, h.Connection.ActionSlots.InUse("pve1"));

        // Still stopped as far as anyone can tell, but the request may yet take effect: observe, do not re-send.
        for (var waited = TimeSpan.Zero; waited + h.Settings.TaskPollInterval < h.Settings.UnknownOutcomeHold; waited += h.Settings.TaskPollInterval)
        {
            h.Clock.Advance(h.Settings.TaskPollInterval);
            var (again, calls) = await h.ReconcileCountingAsync(container);
            Assert.Equal([PveCalls.Status], calls);
            Assert.Equal(After(h.Settings.TaskPollInterval), again);
        }

        Assert.Equal(1, h.PowerActions("start"));
        h.Clock.Advance(h.Settings.TaskPollInterval);
        await h.ReconcileAsync(container);
        Assert.Equal(2, h.PowerActions("start"));
        Assert.NotNull(container.Status.Operation);
    }

    [Fact]
    public async Task An_unknown_outcome_that_did_happen_converges_without_a_second_start()
    {
        h.AddContainer(101, "pve1", running: false);
        await h.SyncAsync();
        // PVE carried the start out, but its answer was lost on the way back (596 from the proxy).
        h.Faults.SetErrorRate("POST", PveCalls.Start, 1.0, 596);
        h.BeforePowerAction = (vmid, _) => h.Cluster.SetContainerStatus(vmid, running: true);
        var container = Container(101);
        await h.ReconcileAsync(container);
        h.Faults.SetErrorRate("POST", PveCalls.Start, 0, 596);
        h.BeforePowerAction = null;

        h.Clock.Advance(h.Settings.TaskPollInterval);
        await h.ReconcileAsync(container);

        Assert.Equal(("True", Reasons.Running), Ready(container));
        Assert.Equal(1, h.PowerActions("start"));
    }

    [Fact]
    public async Task Forbidden_names_the_missing_privilege_stalls_and_warns()
    {
        // A token that may look but not act.
        await using var h = await ContainerHarness.StartAsync(privileges: ["VM.Audit", "Sys.Audit"]);
        h.AddContainer(101, "pve1", running: false);
        await h.SyncAsync();
        var container = Container(101);

        var result = await h.ReconcileAsync(container);

        Assert.Equal(After(h.Settings.FailureBackoffBase), result);
        Assert.Equal(("False", Reasons.PermissionDenied), Ready(container));
        Assert.True(IsStalled(container));
        var message = Condition(container, ConditionTypes.Ready).Message;
        Assert.Contains("VM.PowerMgmt", message, StringComparison.Ordinal);
        Assert.Contains("/vms/101", message, StringComparison.Ordinal);
        var warning = Assert.Single(h.Events.Warnings);
        Assert.Equal(Reasons.PermissionDenied, warning.Reason);
        Assert.Null(container.Status.Operation);
        Assert.Equal(0, h.Connection.ActionSlots.InUse("pve1"));
    }

    [Fact]
    public async Task A_transient_error_is_progress_with_backoff_not_a_stall()
    {
        h.AddContainer(101, "pve1", running: false);
        await h.SyncAsync();
        h.Faults.SetErrorRate("GET", PveCalls.Status, 1.0, 595); // the node is unreachable from the one we talk to
        var container = Container(101);

        var result = await h.ReconcileAsync(container);

        Assert.Equal(After(h.Settings.FailureBackoffBase), result);
        Assert.Equal(("False", Reasons.ActionFailed), Ready(container));
        Assert.True(IsReconciling(container));
        Assert.False(IsStalled(container));
        Assert.Equal(0, h.PowerActions("start"));
    }

    [Fact]
    public async Task A_lock_seen_in_the_snapshot_blocks_the_action()
    {
        h.AddContainer(101, "pve1", running: false).Lock = "backup";
        await h.SyncAsync();
        var container = Container(101);

        var (result, calls) = await h.ReconcileCountingAsync(container);

        Assert.Equal([PveCalls.Status], calls);
        // The snapshot shows the lock: the provider's sync wakes the container when it goes, so no polling meanwhile.
        Assert.Equal(After(h.Settings.ResyncInterval), result);
        Assert.Equal(("False", Reasons.Locked), Ready(container));
        Assert.Contains("backup", Condition(container, ConditionTypes.Ready).Message, StringComparison.Ordinal);
        Assert.True(IsReconciling(container));
        Assert.False(IsStalled(container));
        Assert.Equal(0, h.Connection.ActionSlots.InUse("pve1"));
        h.Clock.Advance(h.Settings.LockedRetry);
        (_, calls) = await h.ReconcileCountingAsync(container);
        Assert.Empty(calls);

        h.Cluster.SetLock(101, null); // the backup ended
        h.Clock.Advance(h.Settings.LockedRetry);
        await h.SyncAsync();
        await h.ReconcileAsync(container);
        Assert.Equal(1, h.PowerActions("start"));
    }

    [Fact]
    public async Task A_lock_only_status_current_shows_blocks_the_action_too()
    {
        h.AddContainer(101, "pve1", running: false);
        await h.SyncAsync();
        h.Cluster.SetLock(101, "migrate"); // newer than the snapshot
        var container = Container(101);

        await h.ReconcileAsync(container);

        Assert.Equal(("False", Reasons.Locked), Ready(container));
        Assert.Equal(0, h.PowerActions("start"));
    }

    [Fact]
    public async Task A_locked_container_already_in_its_desired_state_is_ready()
    {
        h.AddContainer(101, "pve1", running: false).Lock = "backup";
        await h.SyncAsync();
        var container = Container(101, PowerState.Stopped);

        await h.ReconcileAsync(container);

        Assert.Equal(("True", Reasons.Stopped), Ready(container));
    }

    [Fact]
    public async Task A_full_node_makes_further_containers_wait_for_a_slot_without_calling_pve()
    {
        var first = await StartedAsync(101);
        var second = await StartedAsync(102);
        var elsewhere = await StartedAsync(201, "pve2"); // another node has its own slots
        Assert.Equal(2, h.Connection.ActionSlots.InUse("pve1"));
        h.AddContainer(103, "pve1", running: false);
        await h.SyncAsync();
        var third = Container(103);

        var (waiting, _) = await h.ReconcileCountingAsync(third);

        Assert.Equal(After(h.Settings.SlotWaitInterval), waiting);
        Assert.Equal(("False", Reasons.WaitingForSlot), Ready(third));
        Assert.True(IsReconciling(third));
        Assert.Null(third.Status.Operation);
        Assert.Equal(3, h.PowerActions("start"));
        var writes = h.Writer.Writes.Count;

        for (var i = 0; i < 3; i++)
        {
            h.Clock.Advance(h.Settings.SlotWaitInterval);
            var (again, calls) = await h.ReconcileCountingAsync(third);
            Assert.Equal(After(h.Settings.SlotWaitInterval), again);
            Assert.Empty(calls);
        }

        Assert.Equal(writes, h.Writer.Writes.Count);

        // The first task ends: its poll gives the slot back, and the waiting container takes it.
        await h.EndTaskAsync(first);
        await h.ReconcileAsync(first);
        Assert.Equal(1, h.Connection.ActionSlots.InUse("pve1"));
        h.Clock.Advance(h.Settings.SlotWaitInterval);
        await h.ReconcileAsync(third);

        Assert.Equal(4, h.PowerActions("start"));
        Assert.Equal(("False", Reasons.Starting), Ready(third));
        Assert.Equal(2, h.Connection.ActionSlots.InUse("pve1"));
        Assert.NotNull(second.Status.Operation);
        Assert.NotNull(elsewhere.Status.Operation);
    }

    [Fact]
    public async Task A_waiting_container_started_by_someone_else_becomes_ready_without_an_action()
    {
        await StartedAsync(101);
        await StartedAsync(102);
        h.AddContainer(103, "pve1", running: false);
        await h.SyncAsync();
        var third = Container(103);
        await h.ReconcileAsync(third);
        Assert.Equal(("False", Reasons.WaitingForSlot), Ready(third));

        h.Cluster.SetContainerStatus(103, running: true); // started by hand; the next sync shows it
        h.Clock.Advance(TimeSpan.FromSeconds(30));
        await h.SyncAsync();
        await h.ReconcileAsync(third);

        Assert.Equal(("True", Reasons.Running), Ready(third));
        Assert.Equal(2, h.PowerActions("start"));
    }

    [Fact]
    public async Task A_waiting_container_confirms_its_state_once_a_slot_is_free_before_acting()
    {
        await StartedAsync(101);
        await StartedAsync(102);
        h.AddContainer(103, "pve1", running: false);
        await h.SyncAsync();
        var third = Container(103);
        await h.ReconcileAsync(third);

        h.Cluster.SetContainerStatus(103, running: true); // started by hand; the snapshot has not seen it yet
        h.Connection.ActionSlots.Release("apps/web-101");
        var (_, calls) = await h.ReconcileCountingAsync(third);

        Assert.Contains(PveCalls.Status, calls);
        Assert.Equal(0, h.Counters.PowerActions(103, "start"));
        Assert.Equal(("True", Reasons.Running), Ready(third));
        Assert.Equal(2, h.PowerActions("start"));
    }
}
