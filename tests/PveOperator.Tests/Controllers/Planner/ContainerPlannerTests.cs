using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.Proxmox;
using static PveOperator.Tests.Controllers.Planner.PlannerFacts;
using Step = PveOperator.Controllers.ContainerStep;

namespace PveOperator.Tests.Controllers.Planner;

/// <summary>
/// The planner's decision table (docs/architecture.md): one row per behaviour, each a set of facts and the one step the
/// planner must choose. Pure: no PVE, no clock, milliseconds.
/// </summary>
public sealed class ContainerPlannerTests
{
    private static readonly ContainerControllerSettings S = Settings;

    /// <summary>Row name → (facts, what the chosen step must be).</summary>
    private static readonly Dictionary<string, (Func<ContainerFacts> Facts, Action<Step> Expect)> Rows = new(StringComparer.Ordinal)
    {
        // Deletion and claims come first: they need nothing from PVE.
        ["orphan deletion lets go at once"] = (() => Ready().Deleting(DeletionPolicy.Orphan), step => Assert.Equal(new Step.Finish(null), step)),
        ["a conflicting claimant stalls without any PVE step"] = (() => Ready() with { ClaimHolder = "apps/first" },
            step => AssertReport(step, ConditionKind.Stalled, Reasons.Conflict, S.ResyncInterval, "apps/first")),
        ["a conflicting claimant being deleted leaves the container alone"] = (() => Ready().Deleting() with { ClaimHolder = "apps/first" },
            step => AssertFinish(step, warning: false, Reasons.Conflict)),

        // Provider gates.
        ["a missing provider stalls"] = (() => Ready() with { Provider = new ProviderFacts("lab", Exists: false, Health: null) },
            step => AssertReport(step, ConditionKind.Stalled, Reasons.ProviderNotReady, S.ProviderNotReadyRetry, "not found")),
        ["a provider not connected yet is progress"] = (() => Ready() with { Provider = new ProviderFacts("lab", Exists: true, Health: null) },
            step => AssertReport(step, ConditionKind.Progressing, Reasons.ProviderNotReady, S.ProviderNotReadyRetry, "not connected yet")),
        ["during the first sync after a restart a reported container keeps its status"] = (
            () => Ready().WithPriorCondition(Reasons.Running) with { Provider = new ProviderFacts("lab", Exists: true, Health: null) },
            step => Assert.Equal(new Step.KeepStatus(S.ProviderNotReadyRetry), step)),
        ["a provider that is not ready passes its reason on, stalled as it is"] = (
            () => Ready() with { Provider = ConnectedProvider with { Health = new ProviderHealth(false, Reasons.AuthenticationFailed, "refused", Stalled: true) } },
            step => AssertReport(step, ConditionKind.Stalled, Reasons.ProviderNotReady, S.ProviderNotReadyRetry, "AuthenticationFailed: refused")),
        ["a provider that is unreachable for now is progress"] = (
            () => Ready() with { Provider = ConnectedProvider with { Health = new ProviderHealth(false, Reasons.Unreachable, "timeout", Stalled: false) } },
            step => AssertReport(step, ConditionKind.Progressing, Reasons.ProviderNotReady, S.ProviderNotReadyRetry, "Unreachable")),
        ["deleting with the provider gone lets go with a warning"] = (
            () => Ready().Deleting() with { Provider = new ProviderFacts("lab", Exists: false, Health: null) },
            step => AssertFinish(step, warning: true, "ProviderGone")),
        ["deleting while the provider connects waits without a status write"] = (
            () => Ready().Deleting() with { Provider = new ProviderFacts("lab", Exists: true, Health: null) },
            step => Assert.Equal(new Step.KeepStatus(S.ProviderNotReadyRetry), step)),

        // Locating the container.
        ["a pinned node outside the cluster stalls, listing the nodes"] = (() => Ready().Pinned("pve9"),
            step => AssertReport(step, ConditionKind.Stalled, Reasons.NotFound, S.NotFoundRetry, "pve1, pve2")),
        ["a pinned node that vanished ends a Stop deletion"] = (() => Ready().Pinned("pve9").Deleting(),
            step => AssertFinish(step, warning: false, Reasons.NotFound)),
        ["a vmid on no node stalls"] = (() => Ready() with { Entry = null },
            step => AssertReport(step, ConditionKind.Stalled, Reasons.NotFound, S.NotFoundRetry, "not found on any node")),
        ["a vanished container ends a Stop deletion"] = (() => Ready().Deleting() with { Entry = null },
            step => AssertFinish(step, warning: false, Reasons.NotFound)),
        ["a pending task's UPID locates a container the snapshot does not show yet"] = (
            () => Ready().WithOperation(Operation()) with { Entry = null },
            step => Assert.Equal("pve1", Assert.IsType<Step.PollTask>(step).Upid.Node)),

        // Locks (issue 13): waited on in the snapshot, stale after LockStaleAfter.
        ["a lock the trusted snapshot shows is waited on without status/current"] = (
            () => Ready() with { Entry = Entry("stopped", lockName: "backup") },
            step =>
            {
                AssertReport(step, ConditionKind.Progressing, Reasons.Locked, S.ResyncInterval, "locked (backup) since 2025-03-01 12:00:00Z");
                Assert.Equal("backup", step.History!.LockSeen);
            }),
        ["a lock held past the limit stalls with how to clear it, warning once"] = (
            () => Ready() with
            {
                Entry = Entry("stopped", lockName: "backup"),
                History = ContainerHistory.Empty with { LockSeen = "backup", LockSeenSince = Now - S.LockStaleAfter },
            },
            step => Assert.True(AssertReport(step, ConditionKind.Stalled, Reasons.Locked, S.ResyncInterval, "pct unlock 101").Outcome!.Warn)),
        ["a stale lock already reported does not warn again"] = (
            () => StalledBy(Ready() with
            {
                Entry = Entry("stopped", lockName: "backup"),
                History = ContainerHistory.Empty with { LockSeen = "backup", LockSeenSince = Now - S.LockStaleAfter - TimeSpan.FromMinutes(5) },
            }, Reasons.Locked),
            step => Assert.False(AssertReport(step, ConditionKind.Stalled, Reasons.Locked, S.ResyncInterval).Outcome!.Warn)),
        ["a lock close to the limit looks again when it would turn stale"] = (
            () => Ready() with
            {
                Entry = Entry("stopped", lockName: "snapshot"),
                History = ContainerHistory.Empty with { LockSeen = "snapshot", LockSeenSince = Now - S.LockStaleAfter + TimeSpan.FromMinutes(1) },
            },
            step => AssertReport(step, ConditionKind.Progressing, Reasons.Locked, TimeSpan.FromMinutes(1))),
        ["a locked container already in its desired state is confirmed once, not waited on"] = (
            () => Ready(PowerState.Stopped) with { Entry = Entry("stopped", lockName: "backup") },
            step => Assert.IsType<Step.ReadLiveStatus>(step)),
        ["another lock starts a new clock"] = (
            () => Ready() with
            {
                Entry = Entry("stopped", lockName: "snapshot"),
                History = ContainerHistory.Empty with { LockSeen = "backup", LockSeenSince = Now - TimeSpan.FromHours(2) },
            },
            step => AssertReport(step, ConditionKind.Progressing, Reasons.Locked, S.ResyncInterval)),

        // A pending operation.
        ["a pending operation's task is polled"] = (() => Ready().WithOperation(Operation()), step => Assert.IsType<Step.PollTask>(step)),
        ["an operation sent in this reconcile is polled when its task should be done"] = (
            () => Ready().WithOperation(Operation()) with { JustSent = true },
            step => AssertReport(step, null, null, S.TaskPollInterval)),
        ["an operation recorded without a UPID is an unknown outcome"] = (() => Ready().WithOperation(Operation(upid: null)),
            step =>
            {
                Assert.IsType<TaskObservation.Unparsable>(Assert.IsType<Step.SettleOperation>(step).Outcome);
                Assert.Equal(Now, step.History!.OutcomeUnknownAt);
            }),
        ["a running task is only polled again"] = (() => Ready().WithOperation(Operation()) with { Task = new TaskObservation.Running(TimeSpan.FromSeconds(2)) },
            step =>
            {
                AssertReport(step, null, null, S.TaskPollInterval);
                Assert.Equal(TimeSpan.FromSeconds(2), step.History!.TaskLastSeenRunning);
            }),
        ["a task running past the slot hold limit gives its action slot back"] = (
            () => Ready().WithOperation(Operation(OperationType.Shutdown)) with { Task = new TaskObservation.Running(S.ActionSlotHoldLimit) },
            step => Assert.True(Assert.IsType<Step.Report>(step).ReleasesSlot)),
        ["a task running within the slot hold limit keeps its slot"] = (
            () => Ready().WithOperation(Operation(OperationType.Shutdown)) with { Task = new TaskObservation.Running(TimeSpan.FromSeconds(5)) },
            step => Assert.False(Assert.IsType<Step.Report>(step).ReleasesSlot)),
        ["a task that ended well is settled and remembered as a success"] = (
            () => Ready().WithOperation(Operation()) with { Task = new TaskObservation.Ended(true, null, TimeSpan.FromSeconds(2)) },
            step =>
            {
                Assert.IsType<Step.SettleOperation>(step);
                Assert.Equal(Now, step.History!.SucceededAt);
                Assert.Equal(Now + S.SnapshotLag, step.History.SnapshotUntrustedUntil);
            }),
        ["a failed task is settled with a backoff"] = (
            () => Ready().WithOperation(Operation()) with { Task = new TaskObservation.Ended(false, "startup failed", TimeSpan.FromSeconds(2)) },
            step =>
            {
                Assert.IsType<Step.SettleOperation>(step);
                Assert.Equal((1, Now + S.FailureBackoffBase), (step.History!.ConsecutiveFailures, step.History.RetryNotBefore));
            }),
        ["a settled failed task stalls with its exit text and warns"] = (
            () => Ready() with
            {
                Settled = Operation(),
                Task = new TaskObservation.Ended(false, "startup failed", TimeSpan.FromSeconds(2)),
                History = ContainerHistory.Empty.Failed(Now, 1, S.FailureBackoffBase, S.FailureBackoffMax),
            },
            step =>
            {
                var report = AssertReport(step, ConditionKind.Stalled, Reasons.TaskFailed, S.FailureBackoffBase, "start of CT 101 failed: startup failed; retrying in 5s");
                Assert.True(report.Outcome!.Warn);
            }),
        ["a task PVE does not know is an unknown outcome that also backs off"] = (
            () => Ready().WithOperation(Operation()) with { Task = new TaskObservation.Unknown() },
            step =>
            {
                Assert.IsType<Step.SettleOperation>(step);
                Assert.Equal((Now, 1), (step.History!.OutcomeUnknownAt, step.History.ConsecutiveFailures));
            }),

        // Observing the live state.
        ["a trusted snapshot that agrees is taken as it is"] = (() => Ready(observedRunning: true, snapshotStatus: "running"),
            step => Assert.Equal(new Step.AdoptSnapshot("pve1"), step)),
        ["a snapshot never confirmed is confirmed with status/current"] = (
            () => Ready(snapshotStatus: "running") with { Status = new LxcContainerStatus() },
            step => Assert.Equal(new Step.ReadLiveStatus("pve1"), step)),
        ["a snapshot older than our last action is confirmed"] = (
            () => Ready(observedRunning: true, snapshotStatus: "running") with { History = ContainerHistory.Empty.Settled(Now, S.SnapshotLag) },
            step => Assert.Equal(new Step.ReadLiveStatus("pve1"), step)),
        ["a snapshot that disagrees is confirmed"] = (() => Ready() with { Status = new LxcContainerStatus() },
            step => Assert.Equal(new Step.ReadLiveStatus("pve1"), step)),
        ["a locked snapshot is confirmed"] = (() => Ready(observedRunning: true) with { Entry = Entry("running", lockName: "backup") },
            step => Assert.Equal(new Step.ReadLiveStatus("pve1"), step with { History = null })),
        ["an action that could only wait for a slot first asks for one"] = (() => Ready(), step => Assert.Equal(new Step.CheckSlot("pve1"), step)),
        ["with no slot free it waits without asking PVE"] = (() => Ready() with { SlotFree = false },
            step => AssertReport(step, ConditionKind.Progressing, Reasons.WaitingForSlot, S.SlotWaitInterval, "4 power action slots on node pve1")),
        ["with a slot free the state is confirmed before acting"] = (() => Ready() with { SlotFree = true },
            step => Assert.Equal(new Step.ReadLiveStatus("pve1"), step)),

        // Converged.
        ["a running container as desired reads its addresses first"] = (() => Ready() with { Live = Live(running: true) },
            step => Assert.Equal("pve1", Assert.IsType<Step.ReadAddresses>(step).Node)),
        ["a running container with fresh addresses is ready"] = (
            () => Ready() with { Live = Live(running: true), AddressesRead = true, History = ContainerHistory.Empty.AddressesRefreshed(Now) },
            step =>
            {
                var report = AssertReport(step, ConditionKind.Ready, Reasons.Running, null, "CT 101 is running on pve1");
                Assert.True(report.Converged);
            }),
        ["within the DHCP window without an IPv4 the addresses are read again soon"] = (
            () => Ready() with
            {
                Live = Live(running: true),
                History = ContainerHistory.Empty.SeenRunning(true, Now.AddSeconds(-10), knownStoppedBefore: true).AddressesRefreshed(Now),
                AddressesRead = true,
            },
            step => AssertReport(step, ConditionKind.Ready, Reasons.Running, S.DhcpRetryInterval)),
        ["a stopped container as desired is ready and resets the failures"] = (
            () => Ready(PowerState.Stopped) with { Live = Live(running: false), History = ContainerHistory.Empty.Failed(Now, 1, S.FailureBackoffBase, S.FailureBackoffMax) },
            step =>
            {
                var report = AssertReport(step, ConditionKind.Ready, Reasons.Stopped, S.ResyncInterval, "CT 101 is stopped on pve1");
                Assert.True(report.Converged);
                Assert.Equal(0, step.History!.ConsecutiveFailures);
            }),
        ["a Stop deletion ends once the container is stopped"] = (() => Ready().Deleting() with { Live = Live(running: false) },
            step => AssertFinish(step, warning: false, Reasons.Stopped)),

        // Holding back an action.
        ["a locked container waits for the lock"] = (() => Ready() with { Live = Live(running: false, lockName: "backup") },
            step => AssertReport(step, ConditionKind.Progressing, Reasons.Locked, S.LockedRetry, "locked (backup)")),
        ["a failure's backoff holds the action, keeping the reported condition"] = (
            () => Ready() with { Live = Live(running: false), History = ContainerHistory.Empty.Failed(Now.AddSeconds(-2), 1, S.FailureBackoffBase, S.FailureBackoffMax) },
            step => AssertReport(step, null, null, TimeSpan.FromSeconds(3))),
        ["a new generation lifts the backoff"] = (
            () => Ready() with { Live = Live(running: false), History = ContainerHistory.Empty.Failed(Now, 0, S.FailureBackoffBase, S.FailureBackoffMax) },
            step => Assert.Equal(new Step.SendPowerAction("pve1", OperationType.Start), step)),
        ["an unknown outcome is observed, not resent, within its hold"] = (
            () => Ready() with { Live = Live(running: false), History = ContainerHistory.Empty.OutcomeUnknown(Now.AddSeconds(-5), S.SnapshotLag) },
            step => AssertReport(step, ConditionKind.Progressing, Reasons.Observing, S.TaskPollInterval, "outcome of the last power action")),
        ["an unknown outcome past its hold is acted on again"] = (
            () => Ready() with { Live = Live(running: false), History = ContainerHistory.Empty.OutcomeUnknown(Now - S.UnknownOutcomeHold, S.SnapshotLag) },
            step => Assert.Equal(new Step.SendPowerAction("pve1", OperationType.Start), step)),
        ["an HA-managed container waits for the HA manager"] = (
            () => Ready() with { Live = Live(running: false, ha: new PveHaStatus { Managed = true, State = "started" }) },
            step => AssertReport(step, ConditionKind.Progressing, Reasons.Observing, S.TaskPollInterval, "HA-managed")),
        ["after a successful action PVE is given time to show it"] = (
            () => Ready() with { Live = Live(running: false), History = ContainerHistory.Empty.ActionSucceeded(Now.AddSeconds(-1), towardsRunning: true) },
            step => AssertReport(step, ConditionKind.Progressing, Reasons.Observing, S.TaskPollInterval, "succeeded; waiting")),
        ["a success towards the other state holds nothing back"] = (
            () => Ready() with { Live = Live(running: false), History = ContainerHistory.Empty.ActionSucceeded(Now.AddSeconds(-1), towardsRunning: false) },
            step => Assert.Equal(new Step.SendPowerAction("pve1", OperationType.Start), step)),
        ["a full node makes the action wait for a slot"] = (() => Ready() with { Live = Live(running: false), SlotFree = false },
            step => AssertReport(step, ConditionKind.Progressing, Reasons.WaitingForSlot, S.SlotWaitInterval)),
        ["a stopped container that should run is started"] = (() => Ready() with { Live = Live(running: false) },
            step => Assert.Equal(new Step.SendPowerAction("pve1", OperationType.Start), step)),
        ["a running container that should stop is shut down"] = (() => Ready(PowerState.Stopped) with { Live = Live(running: true) },
            step => Assert.Equal(new Step.SendPowerAction("pve1", OperationType.Shutdown), step)),
        ["a Stop deletion shuts a running container down"] = (() => Ready().Deleting() with { Live = Live(running: true) },
            step => Assert.Equal(new Step.SendPowerAction("pve1", OperationType.Shutdown), step)),

        // What a failed request means.
        ["already in the desired state is a reason to look again at once"] = (
            () => Ready() with { Error = Error(PveErrorKind.AlreadyInState, "CT 101 already running"), FailedStep = new Step.SendPowerAction("pve1", OperationType.Start) },
            step =>
            {
                AssertReport(step, ConditionKind.Progressing, Reasons.Observing, TimeSpan.Zero, "already running");
                Assert.Equal(Now + S.SnapshotLag, step.History!.SnapshotUntrustedUntil);
            }),
        ["an action whose answer was lost is observed, not resent"] = (
            () => Ready() with { Error = Error(PveErrorKind.Transient, "no answer", outcomeUnknown: true), FailedStep = new Step.SendPowerAction("pve1", OperationType.Start) },
            step =>
            {
                AssertReport(step, ConditionKind.Progressing, Reasons.Observing, S.TaskPollInterval, "outcome is unknown");
                Assert.Equal(Now, step.History!.OutcomeUnknownAt);
            }),
        ["not found without a pinned node is looked at again soon"] = (
            () => Ready() with { Error = Error(PveErrorKind.NotFound), FailedStep = new Step.ReadLiveStatus("pve1") },
            step => AssertReport(step, ConditionKind.Progressing, Reasons.NotFound, S.DhcpRetryInterval)),
        ["not found on a pinned node stalls"] = (
            () => Ready().Pinned("pve1") with { Error = Error(PveErrorKind.NotFound), FailedStep = new Step.ReadLiveStatus("pve1") },
            step => AssertReport(step, ConditionKind.Stalled, Reasons.NotFound, S.NotFoundRetry)),
        ["not found while deleting ends the deletion"] = (
            () => Ready().Deleting() with { Error = Error(PveErrorKind.NotFound), FailedStep = new Step.ReadLiveStatus("pve1") },
            step => AssertFinish(step, warning: false, Reasons.NotFound)),
        ["forbidden names the privilege, stalls, warns and backs off"] = (
            () => Ready() with { Error = new PveApiException(PveErrorKind.Forbidden, "403") { Privilege = "VM.PowerMgmt", PermissionPath = "/vms/101" }, FailedStep = new Step.SendPowerAction("pve1", OperationType.Start) },
            step =>
            {
                var report = AssertReport(step, ConditionKind.Stalled, Reasons.PermissionDenied, S.FailureBackoffBase, "lacks VM.PowerMgmt on /vms/101");
                Assert.True(report.Outcome!.Warn);
            }),
        ["forbidden already reported does not warn again"] = (
            () => Ready().WithPriorCondition(Reasons.PermissionDenied, "the provider's token lacks VM.PowerMgmt on /vms/101; grant it to the token (e.g. role PVEVMUser on /vms/101)")
                with { Error = new PveApiException(PveErrorKind.Forbidden, "403") { Privilege = "VM.PowerMgmt", PermissionPath = "/vms/101" }, FailedStep = new Step.SendPowerAction("pve1", OperationType.Start) },
            step => Assert.False(AssertReport(step, ConditionKind.Stalled, Reasons.PermissionDenied, null).Outcome!.Warn)),
        ["a lock error waits for the lock"] = (
            () => Ready() with { Error = Error(PveErrorKind.Locked, "CT is locked (backup)"), FailedStep = new Step.SendPowerAction("pve1", OperationType.Start) },
            step => AssertReport(step, ConditionKind.Progressing, Reasons.Locked, S.LockedRetry)),
        ["a transient failure is progress with a backoff"] = (
            () => Ready() with { Error = Error(PveErrorKind.Transient, "596 busy"), FailedStep = new Step.ReadLiveStatus("pve1") },
            step => AssertReport(step, ConditionKind.Progressing, Reasons.ActionFailed, S.FailureBackoffBase, "596 busy; retrying in 5s")),
        ["any other failure stalls with a backoff"] = (
            () => Ready() with { Error = Error(PveErrorKind.Validation, "bad parameter"), FailedStep = new Step.ReadLiveStatus("pve1") },
            step => AssertReport(step, ConditionKind.Stalled, Reasons.ActionFailed, S.FailureBackoffBase)),
    };

    public static TheoryData<string> RowNames => new(Rows.Keys);

    [Theory]
    [MemberData(nameof(RowNames))]
    public void Each_row_of_the_decision_table_holds(string row)
    {
        var (facts, expect) = Rows[row];
        expect(ContainerPlanner.Plan(facts(), S));
    }

    [Theory]
    [InlineData(OperationType.Start, false)]
    [InlineData(OperationType.Shutdown, false)]
    public void Power_actions_are_recorded_with_their_upid_not_before_the_request(OperationType type, bool before) =>
        Assert.Equal(before, OperationRecording.BeforeRequest(type));

    [Fact]
    public void The_planner_is_deterministic()
    {
        foreach (var (facts, _) in Rows.Values)
        {
            var input = facts();
            Assert.Equal(ContainerPlanner.Plan(input, S), ContainerPlanner.Plan(input, S));
        }
    }

    [Fact]
    public void An_unknown_task_that_keeps_coming_back_backs_off_longer_each_time()
    {
        var history = ContainerHistory.Empty;
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 8; i++)
        {
            var step = ContainerPlanner.Plan(Ready().WithOperation(Operation()) with { Task = new TaskObservation.Unknown(), History = history }, S);
            history = step.History!;
            delays.Add(history.RetryNotBefore - Now);
        }

        Assert.Equal([5, 10, 20, 40, 80, 160, 300, 300], delays.Select(d => (int)d.TotalSeconds));
    }

    private static Step.Report AssertReport(Step step, ConditionKind? kind, string? reason, TimeSpan? requeue, string? messagePart = null)
    {
        var report = Assert.IsType<Step.Report>(step);
        Assert.Equal(kind, report.Outcome?.Kind);
        Assert.Equal(reason, report.Outcome?.Reason);
        if (requeue is { } expected)
        {
            Assert.Equal(expected, report.Requeue);
        }

        if (messagePart is not null)
        {
            Assert.Contains(messagePart, report.Outcome!.Message, StringComparison.Ordinal);
        }

        return report;
    }

    private static ContainerFacts StalledBy(ContainerFacts f, string reason)
    {
        f.Container.Status.Conditions = ConditionList.Set(null, ConditionTypes.Stalled, "True", reason, "before", 1, Now.UtcDateTime);
        return f;
    }

    private static void AssertFinish(Step step, bool warning, string reason)
    {
        var finish = Assert.IsType<Step.Finish>(step);
        Assert.Equal((warning, reason), (finish.Event!.Warning, finish.Event.Reason));
    }
}
