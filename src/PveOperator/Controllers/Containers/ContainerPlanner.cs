using PveOperator.Entities;
using PveOperator.Proxmox;

namespace PveOperator.Controllers;

/// <summary>
/// Decides the one next step of a container's reconcile from facts alone: no I/O, no clock, no randomness of its own.
/// The order of the rules below is the behaviour; docs/architecture.md lists them as a table and
/// ContainerPlannerTests has a row for each.
/// </summary>
internal static class ContainerPlanner
{
    public static ContainerStep Plan(ContainerFacts f, ContainerControllerSettings s)
    {
        var vmid = f.Vmid;
        var provider = f.Provider;
        if (f.Container.Paused)
        {
            // As Cluster API's paused: nothing at all, the deletion included, until the annotation goes.
            return new ContainerStep.Pause(s.ResyncInterval);
        }

        if (f.Deleting && (f.Deletion == DeletionPolicy.Orphan || f.ObserveOnly))
        {
            return new ContainerStep.Finish(null);
        }

        if (f.TenancyRefusal is { } refusal)
        {
            // Before any PVE request, and nothing of the provider stays in status; on the way out it may not stop anything either.
            return f.Deleting
                ? new ContainerStep.Finish(null)
                : new ContainerStep.Report(ContainerOutcome.Stalled(Reasons.ProviderNotAllowed, refusal), s.ResyncInterval) { ForgetsObserved = true };
        }

        if (LifecyclePlanner.InvalidSpec(f) is { } invalid)
        {
            // The identity of the container is not certain: nothing is stopped or destroyed on the way out either.
            return f.Deleting
                ? new ContainerStep.Finish(ContainerEvent.Warn(Reasons.InvalidSpec, $"{invalid}; the container is left as it is"))
                : Stall(Reasons.InvalidSpec, invalid, s.ResyncInterval);
        }

        if (f.ClaimHolder is { } holder)
        {
            return f.Deleting
                ? new ContainerStep.Finish(ContainerEvent.Normal(Reasons.Conflict,
                    $"CT {vmid} is managed by LxcContainer {holder}, not by this resource: left as it is"))
                : new ContainerStep.Report(ContainerOutcome.Stalled(Reasons.Conflict,
                    $"CT {vmid} of provider {provider.Name} is already managed by LxcContainer {holder}: this resource does nothing until that one is deleted; point spec.vmid at another container or delete one of the two"),
                    s.ResyncInterval);
        }

        if (ProviderStep(f, s) is { } providerStep)
        {
            return providerStep;
        }

        if (f.Error is { } error)
        {
            return OnError(f, s, error);
        }

        if (LifecyclePlanner.BeforeLocate(f, s) is { } lifecycle)
        {
            return lifecycle;
        }

        if (f.Spec.Node is { } pinned && !provider.NodeNames.Contains(pinned))
        {
            return f.Deleting
                ? new ContainerStep.Finish(ContainerEvent.Normal(Reasons.NotFound,
                    $"proxmox node {pinned} no longer exists: CT {vmid} is gone with it, nothing left to stop"))
                : Stall(Reasons.NotFound, $"proxmox node {pinned} not found (available: {provider.AvailableNodeNames})", s.NotFoundRetry);
        }

        // A resource that creates its container must know it exists before it talks to it, pinned node or not; and
        // a pinned node is where the container should be, not necessarily where it is (a change of it migrates).
        if ((f.Spec.Create is null ? Locate(f) : LocateExisting(f)) is not { } node)
        {
            if (f.Deleting)
            {
                return new ContainerStep.Finish(ContainerEvent.Normal(Reasons.NotFound, f.Deletion == DeletionPolicy.Delete
                    ? $"CT {vmid} no longer exists in provider {provider.Name}: it counts as destroyed"
                    : $"CT {vmid} no longer exists in provider {provider.Name}: nothing left to stop"));
            }

            return f.Spec.Create is not null
                ? LifecyclePlanner.CreateStep(f, s)
                : Stall(Reasons.NotFound, $"CT {vmid} not found on any node of provider {provider.Name} (nodes: {provider.AvailableNodeNames})", s.NotFoundRetry);
        }

        if (f.Status.Operation is { } operation)
        {
            return OperationStep(f, s, operation);
        }

        if (f.Settled is { } settled && f.Task is TaskObservation.Ended { Succeeded: false } failed)
        {
            var delay = f.History.BackoffRemaining(f.Now);
            return new ContainerStep.Report(ContainerOutcome.Stalled(Reasons.TaskFailed,
                $"{Verb(settled.Type)} of CT {vmid} failed: {failed.FailureText}; retrying in {DurationFormat.Format(delay)}", warn: true), delay);
        }

        if (LifecyclePlanner.Ownership(f, s, node) is { } ownership)
        {
            return ownership;
        }

        if (f.Live is not { } live)
        {
            return ObserveStep(f, s, node);
        }

        if (ConfigPlanner.Migration(f, s, node, live) is { } migration)
        {
            return migration;
        }

        if (live.Running == f.DesiredRunning || (f.ObserveOnly && !f.Deleting))
        {
            return ConvergedStep(f, s, node, live);
        }

        return ActStep(f, s, node, live);
    }

    /// <summary>The node to talk to: where the CT is known to be, else the pinned one.</summary>
    public static string? Locate(ContainerFacts f) => LocateExisting(f) ?? f.Spec.Node;

    /// <summary>Where the container is known to exist: our recent migration, the snapshot, the pending operation, or our own recent create.</summary>
    private static string? LocateExisting(ContainerFacts f) =>
        (f.History.MigratedTo is { } moved && f.Now < f.History.MigratedTrustedUntil && f.Status.Operation is null ? moved : null)
        ?? f.Entry?.Node
        // While a task runs, its UPID names the node even if the snapshot has not caught up yet.
        ?? (f.Status.Operation ?? f.Settled) switch
        {
            { Node: { } node } => node,
            var operation when Upid.TryParse(operation?.Upid, out var upid) && operation!.Type is not (OperationType.Create or OperationType.Clone) => upid.Node,
            _ => null,
        }
        // A container we just created is missing only from snapshots taken before it existed.
        ?? (f.History.CreatedOn is { } created && f.Entry is null && f.SnapshotFetchedAt <= f.History.CreatedAt ? created : null);

    private static ContainerStep? ProviderStep(ContainerFacts f, ContainerControllerSettings s)
    {
        var provider = f.Provider;
        if (provider.Ready)
        {
            return null;
        }

        if (f.Deleting)
        {
            if (!provider.Exists)
            {
                // Nobody can stop it any more; holding the finalizer would only make the deletion hang.
                return new ContainerStep.Finish(ContainerEvent.Warn("ProviderGone",
                    $"ProxmoxProvider {provider.Name} no longer exists: CT {f.Vmid} is left as it is"));
            }

            if (!provider.Connected)
            {
                return new ContainerStep.KeepStatus(s.ProviderNotReadyRetry);
            }
        }

        if (!provider.Connected)
        {
            if (provider.Exists && f.Container.Status?.Conditions is { Count: > 0 })
            {
                // The operator just started and the provider's first sync is under way; it wakes every container when
                // it is done. Saying "not ready" now would flip a thousand Ready containers and back, for nothing.
                return new ContainerStep.KeepStatus(s.ProviderNotReadyRetry);
            }

            return new ContainerStep.Report(provider.Exists
                ? ContainerOutcome.Progressing(Reasons.ProviderNotReady, $"ProxmoxProvider {provider.Name} is not connected yet")
                : ContainerOutcome.Stalled(Reasons.ProviderNotReady,
                    $"ProxmoxProvider {provider.Name} not found (or being deleted): create it or fix spec.providerRef.name"),
                s.ProviderNotReadyRetry);
        }

        var health = provider.Health!;
        return new ContainerStep.Report(ContainerOutcome.NotReady(Reasons.ProviderNotReady,
            $"ProxmoxProvider {provider.Name} is not ready: {health.Reason}: {health.Message}", health.Stalled), s.ProviderNotReadyRetry);
    }

    private static ContainerStep OperationStep(ContainerFacts f, ContainerControllerSettings s, OperationStatus operation)
    {
        switch (f.Task)
        {
            case null when f.JustSent:
                return new ContainerStep.Report(null, NextTaskPoll(f, s, operation.Type, TimeSpan.Zero));
            case null when !Upid.TryParse(operation.Upid, out _):
                // Recorded before its request, and no UPID came back (the operator stopped in between): the outcome
                // is unknown, so observe and hold before acting again.
                return new ContainerStep.SettleOperation(new TaskObservation.Unparsable())
                {
                    History = f.History.OutcomeUnknown(f.Now, s.SnapshotLag),
                };
            case null:
                return new ContainerStep.PollTask(Upid.Parse(operation.Upid!));
            case TaskObservation.Running running:
                return new ContainerStep.Report(null, NextTaskPoll(f, s, operation.Type, running.SincePost))
                {
                    History = f.History.TaskSeenRunning(running.SincePost),
                    ReleasesSlot = running.SincePost >= s.ActionSlotHoldLimit,
                };
            case TaskObservation.Ended ended:
            {
                var settled = f.History.Settled(f.Now, s.SnapshotLag);
                return new ContainerStep.SettleOperation(ended)
                {
                    History = !ended.Succeeded
                        ? settled.Failed(f.Now, f.Generation, s.FailureBackoffBase, s.FailureBackoffMax) with { ConfigStale = settled.ConfigStale || IsConfigOperation(operation.Type) }
                        : operation.Type is OperationType.Create or OperationType.Clone
                            ? settled.Converged().Created(f.Now, operation.Node ?? Locate(f) ?? "")
                            : operation.Type == OperationType.Destroy
                                ? settled.Converged()
                                : operation.Type is OperationType.Resize or OperationType.Restart or OperationType.Migrate
                                    ? settled.Converged() with
                                    {
                                        ConfigStale = true,
                                        MigratedTo = operation.Type == OperationType.Migrate ? operation.Target : settled.MigratedTo,
                                        MigratedTrustedUntil = operation.Type == OperationType.Migrate ? f.Now + s.SnapshotLag : settled.MigratedTrustedUntil,
                                    }
                                    : settled.ActionSucceeded(f.Now, towardsRunning: operation.Type == OperationType.Start),
                };
            }

            default:
                // PVE does not know the task: its outcome is unknown. Observe, hold, and back off like any failure, so
                // that a front end rejecting every UPID cannot make the operator send an action a second, forever.
                return new ContainerStep.SettleOperation(f.Task)
                {
                    History = f.History.OutcomeUnknown(f.Now, s.SnapshotLag)
                        .Failed(f.Now, f.Generation, s.FailureBackoffBase, s.FailureBackoffMax),
                };
        }
    }

    private static bool IsConfigOperation(OperationType type) => type is OperationType.Resize or OperationType.Restart or OperationType.Migrate;

    private static ContainerStep ObserveStep(ContainerFacts f, ContainerControllerSettings s, string node)
    {
        var entry = f.Entry;
        var before = f.History;
        if (entry is { } shown && shown.Node == node && f.Now >= f.History.SnapshotUntrustedUntil && f.Status.Running is not null)
        {
            f = f with { History = f.History.SawLock(shown.Lock, f.Now) };
            if (!string.IsNullOrEmpty(shown.Lock) && shown.IsRunning != f.DesiredRunning)
            {
                // The trusted snapshot shows the lock: wait on it instead of asking status/current every few seconds for
                // as long as a backup runs. The provider's sync wakes the container when the lock goes.
                return Locked(f, s, node, shown.Lock, snapshotShowsIt: true);
            }
        }

        var snapshotAgrees = entry is not null && entry.Node == node && entry.IsRunning == f.DesiredRunning && string.IsNullOrEmpty(entry.Lock);
        if (!snapshotAgrees && OnlyWaitsForSlot(f, s, node))
        {
            if (f.SlotFree is null)
            {
                return new ContainerStep.CheckSlot(node);
            }

            if (f.SlotFree == false)
            {
                return WaitForSlot(f, s, node);
            }
        }

        return !snapshotAgrees || f.Now < f.History.SnapshotUntrustedUntil || f.Status.Running is null
            ? new ContainerStep.ReadLiveStatus(node) { History = f.History == before ? null : f.History }
            : new ContainerStep.AdoptSnapshot(node) { History = f.History == before ? null : f.History };
    }

    /// <summary>
    /// Whether this reconcile could only end waiting for an action slot: the container was observed before, the trusted
    /// snapshot shows it unlocked in the other state, and nothing else holds the action back. Then, with the node full,
    /// the status/current confirmation is skipped: many waiting containers repeating it would fill the node's few
    /// request slots, which the task polls that free the action slots need.
    /// </summary>
    private static bool OnlyWaitsForSlot(ContainerFacts f, ContainerControllerSettings s, string node) =>
        f.Status.Running is not null
        && f.Entry is { } entry && entry.Node == node && string.IsNullOrEmpty(entry.Lock) && entry.IsRunning != f.DesiredRunning
        && f.Now >= f.History.SnapshotUntrustedUntil
        && !f.History.InBackoff(f.Now, f.Generation)
        && !f.History.InOutcomeUnknownHold(f.Now, s.UnknownOutcomeHold);

    private static ContainerStep ConvergedStep(ContainerFacts f, ContainerControllerSettings s, string node, LiveState live)
    {
        var vmid = f.Vmid;
        var history = f.History.Converged();
        if (f.Deleting)
        {
            return f.Deletion == DeletionPolicy.Delete
                ? LifecyclePlanner.Destroy(f with { History = history }, s, node, live) with { History = history }
                : new ContainerStep.Finish(ContainerEvent.Normal(Reasons.Stopped, $"CT {vmid} stopped as deletionPolicy Stop asks")) { History = history };
        }

        var config = ConfigPlanner.Plan(f with { History = history }, s, node, live);
        if (config.Step is { } configStep)
        {
            return configStep;
        }

        history = config.History;
        if (!live.Running)
        {
            return new ContainerStep.Report(f.ObserveOnly
                ? ContainerOutcome.Ready(Reasons.ObserveOnly, ObservedOnly(f, node, live))
                : ContainerOutcome.Ready(Reasons.Stopped, $"CT {vmid} is stopped on {node}"), Sooner(s.ResyncInterval, config.Requeue), Converged: true)
            {
                History = history,
                Sync = config.Sync,
            };
        }

        var addresses = AddressRefresh.Plan(f, s, history);
        // The netN config is read on the DHCP retry after the first address read, not before it: Ready does not wait for it.
        if (addresses.NeedsNetworkConfig && !f.AddressesRead && addresses.History.LastAddressRefresh is not null)
        {
            return new ContainerStep.ReadNetworkConfig(node) { History = addresses.History };
        }

        if (addresses.Due && !f.AddressesRead)
        {
            return new ContainerStep.ReadAddresses(node) { History = addresses.History };
        }

        return new ContainerStep.Report(f.ObserveOnly
            ? ContainerOutcome.Ready(Reasons.ObserveOnly, ObservedOnly(f, node, live))
            : ContainerOutcome.Ready(Reasons.Running, $"CT {vmid} is running on {node}"), Sooner(addresses.Requeue, config.Requeue), Converged: true)
        {
            History = addresses.History,
            Sync = config.Sync,
        };
    }

    private static TimeSpan Sooner(TimeSpan requeue, TimeSpan? other) => other is { } sooner && sooner < requeue ? sooner : requeue;

    private static ContainerStep ActStep(ContainerFacts f, ContainerControllerSettings s, string node, LiveState live)
    {
        var vmid = f.Vmid;
        if (!string.IsNullOrEmpty(live.Lock))
        {
            return Locked(f with { History = f.History.SawLock(live.Lock, f.Now) }, s, node, live.Lock,
                snapshotShowsIt: f.Entry?.Lock == live.Lock && f.Now >= f.History.SnapshotUntrustedUntil);
        }

        if (f.History.InBackoff(f.Now, f.Generation))
        {
            // The failure's condition stays as reported; only an outcome still unknown is worth saying so.
            return new ContainerStep.Report(
                f.History.OutcomeUnknownAt is null ? null : UnknownOutcome(vmid), f.History.BackoffRemaining(f.Now));
        }

        if (f.History.InOutcomeUnknownHold(f.Now, s.UnknownOutcomeHold))
        {
            return new ContainerStep.Report(UnknownOutcome(vmid), s.TaskPollInterval);
        }

        // An HA-managed container's task only asks the HA manager, which acts a round later: wait for it, and likewise
        // for a moment after any successful action, instead of sending the action again.
        var haTarget = f.DesiredRunning ? "started" : "stopped";
        if (live is { Fresh: true, Ha: { Managed: true } ha } && ha.State == haTarget)
        {
            return new ContainerStep.Report(
                ContainerOutcome.Progressing(Reasons.Observing, $"CT {vmid} is HA-managed; waiting for the HA manager to make it {haTarget}"), s.TaskPollInterval);
        }

        if (f.History.AwaitsEffect(f.DesiredRunning, f.Now, s.UnknownOutcomeHold))
        {
            return new ContainerStep.Report(
                ContainerOutcome.Progressing(Reasons.Observing, $"the last power action on CT {vmid} succeeded; waiting for PVE to show its effect"), s.TaskPollInterval);
        }

        if (f.SlotFree == false)
        {
            return WaitForSlot(f, s, node);
        }

        return new ContainerStep.SendPowerAction(node, f.DesiredRunning ? OperationType.Start : OperationType.Shutdown);
    }

    private static ContainerStep OnError(ContainerFacts f, ContainerControllerSettings s, PveApiException error)
    {
        if (ConfigPlanner.OnError(f, s, error) is { } config)
        {
            return config;
        }

        // A refused config write (a 403 above all) still says which fields differ: status.drift stays current.
        var step = OnRequestError(f, s, error);
        return step is ContainerStep.Report { Sync: null, Outcome: { } outcome } report && f.FailedStep is ContainerStep.WriteConfiguration write
            ? report with { Sync = ConfigPlanner.Refused(f, write.Change, outcome.Reason, outcome.Message) }
            : step;
    }

    private static ContainerStep OnRequestError(ContainerFacts f, ContainerControllerSettings s, PveApiException error)
    {
        if (LifecyclePlanner.OnError(f, s, error) is { } lifecycle)
        {
            return lifecycle;
        }

        var vmid = f.Vmid;
        var node = Locate(f) ?? "?";
        if (f.FailedStep is ContainerStep.SendPowerAction action)
        {
            if (error.Kind == PveErrorKind.AlreadyInState)
            {
                // PVE already is where we want it (the snapshot lagged): look again instead of acting.
                return new ContainerStep.Report(ContainerOutcome.Progressing(Reasons.Observing, $"CT {vmid}: {error.Message}"), TimeSpan.Zero)
                {
                    History = f.History.Settled(f.Now, s.SnapshotLag),
                };
            }

            if (error.OutcomeUnknown)
            {
                return new ContainerStep.Report(ContainerOutcome.Progressing(Reasons.Observing,
                    $"{Verb(action.Type)} of CT {vmid} was sent but its outcome is unknown ({error.Message}); observing"), s.TaskPollInterval)
                {
                    History = f.History.OutcomeUnknown(f.Now, s.SnapshotLag),
                };
            }
        }

        switch (error.Kind)
        {
            case PveErrorKind.NotFound when f.Deleting:
                return new ContainerStep.Finish(ContainerEvent.Normal(Reasons.NotFound, $"CT {vmid} no longer exists on node {node}: nothing left to stop"));
            case PveErrorKind.NotFound:
                // Without a pinned node the snapshot may simply be behind a migration: look again soon.
                return new ContainerStep.Report(ContainerOutcome.NotReady(Reasons.NotFound, $"CT {vmid} not found on node {node}: {error.Message}",
                    stalled: f.Spec.Node is not null), f.Spec.Node is null ? s.DhcpRetryInterval : s.NotFoundRetry);
            case PveErrorKind.Forbidden:
            {
                var message = error.Privilege is null
                    ? error.Message.Contains("root@pam", StringComparison.Ordinal)
                        // PVE lets only root@pam change some keys (features but nesting, bind mounts, devices): no grant helps.
                        ? $"PVE refused a request for CT {vmid}: {error.Message}. No privilege allows this to an API token: leave the field out of the spec, or set it on PVE as root@pam"
                        : $"PVE refused a request for CT {vmid}: {error.Message}; grant the privilege it names to the token and its user"
                    : $"the provider's token lacks {error.Privilege} on {error.PermissionPath ?? $"/vms/{vmid}"}; grant it to the token (e.g. role PVEVMUser on /vms/{vmid})";
                var alreadyReported = ConditionList.Find(f.Container.Status?.Conditions, ConditionTypes.Ready) is { Reason: Reasons.PermissionDenied } previous
                    && previous.Message == message;
                var history = f.History.Failed(f.Now, f.Generation, s.FailureBackoffBase, s.FailureBackoffMax);
                return new ContainerStep.Report(ContainerOutcome.Stalled(Reasons.PermissionDenied, message, warn: !alreadyReported),
                    history.BackoffRemaining(f.Now)) { History = history };
            }

            case PveErrorKind.Locked:
                return new ContainerStep.Report(ContainerOutcome.Progressing(Reasons.Locked, $"CT {vmid} is locked: {error.Message}"), s.LockedRetry);
            default:
            {
                var history = f.History.Failed(f.Now, f.Generation, s.FailureBackoffBase, s.FailureBackoffMax);
                var delay = history.BackoffRemaining(f.Now);
                return new ContainerStep.Report(ContainerOutcome.NotReady(Reasons.ActionFailed,
                    $"PVE request for CT {vmid} failed: {error.Message}; retrying in {DurationFormat.Format(delay)}",
                    stalled: error.Kind != PveErrorKind.Transient), delay) { History = history };
            }
        }
    }

    private static string ObservedOnly(ContainerFacts f, string node, LiveState live) =>
        $"CT {f.Vmid} is {(live.Running ? "running" : "stopped")} on {node}"
        + (live.Running == f.DesiredRunning ? "" : $"; spec.powerState {f.Desired} is not enforced")
        + " (managementPolicy ObserveOnly: nothing is written to PVE)";

    /// <summary>
    /// Waits for a lock to go; past <see cref="ContainerControllerSettings.LockStaleAfter"/> it is Stalled, with one
    /// Warning on how to clear a lock that no task holds any more.
    /// </summary>
    private static ContainerStep.Report Locked(ContainerFacts f, ContainerControllerSettings s, string node, string lockName, bool snapshotShowsIt)
    {
        var vmid = f.Vmid;
        var since = f.History.LockSeenSince ?? f.Now;
        var held = f.Now - since;
        var sinceText = since.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        if (held >= s.LockStaleAfter)
        {
            var already = ConditionList.Find(f.Container.Status?.Conditions, ConditionTypes.Stalled) is { Status: "True", Reason: Reasons.Locked };
            return new ContainerStep.Report(ContainerOutcome.Stalled(Reasons.Locked,
                $"CT {vmid} has been locked ({lockName}) since {sinceText}, for more than {DurationFormat.Format(s.LockStaleAfter)}. "
                + $"If no {LockHolder(lockName)} is running for it on {node}, the lock is stale: clear it on that node with pct unlock {vmid}", warn: !already),
                snapshotShowsIt ? s.ResyncInterval : s.LockedRetry * 6) { History = f.History };
        }

        var untilStale = s.LockStaleAfter - held;
        var wait = snapshotShowsIt ? s.ResyncInterval : s.LockedRetry;
        return new ContainerStep.Report(ContainerOutcome.Progressing(Reasons.Locked,
            $"CT {vmid} is locked ({lockName}) since {sinceText}; waiting for the lock to be released"),
            untilStale < wait ? untilStale : wait) { History = f.History };
    }

    /// <summary>What usually holds a PVE lock of that name.</summary>
    private static string LockHolder(string lockName) => lockName switch
    {
        "backup" => "backup (vzdump)",
        "snapshot" or "snapshot-delete" or "rollback" => "snapshot task",
        "migrate" => "migration",
        "create" => "create or restore",
        "disk" => "clone or move of a volume",
        "mounted" => "pct mount",
        _ => "task",
    };

    private static ContainerOutcome UnknownOutcome(int? vmid) =>
        ContainerOutcome.Progressing(Reasons.Observing, $"the outcome of the last power action on CT {vmid} is unknown; observing before acting again");

    private static ContainerStep.Report WaitForSlot(ContainerFacts f, ContainerControllerSettings s, string node) =>
        new(ContainerOutcome.Progressing(Reasons.WaitingForSlot,
            $"waiting for one of {f.Provider.MaxActionsPerNode} power action slots on node {node}"), s.SlotWaitInterval);

    private static ContainerStep.Report Stall(string reason, string message, TimeSpan requeue) =>
        new(ContainerOutcome.Stalled(reason, message), requeue);

    public static TimeSpan NextTaskPoll(ContainerFacts f, ContainerControllerSettings s, OperationType type, TimeSpan sincePost) =>
        f.Provider.TaskTimings.NextPoll(Verb(type), sincePost, s.TaskPollMinInterval, s.TaskPollInterval);

    /// <summary>The operation as messages, events and task timings name it: start, shutdown.</summary>
    public static string Verb(OperationType type) => type switch
    {
        OperationType.Start => "start",
        OperationType.Shutdown => "shutdown",
        OperationType.Create => "create",
        OperationType.Clone => "clone",
        OperationType.Destroy => "destroy",
        OperationType.Resize => "resize",
        OperationType.Restart => "restart",
        OperationType.Migrate => "migration",
        _ => type.ToString().ToLowerInvariant(),
    };
}
