using k8s.Models;
using Microsoft.Extensions.Logging;
using PveOperator.Entities;
using PveOperator.Proxmox;
using PveOperator.Runtime;

namespace PveOperator.Controllers;

/// <summary>
/// Drives one LxcContainer to its desired power state. Observes through the provider's cluster snapshot (one call
/// for all containers), confirms with status/current before acting, sends at most one power action, records its
/// UPID in status and comes back to poll it: a worker never waits on a PVE task.
/// </summary>
internal sealed partial class LxcContainerReconciler(
    ProviderRegistry registry,
    /// <summary>Whether the ProxmoxProvider exists and is not being deleted.</summary>
    Func<string, bool> providerExists,
    IStatusWriter<V1Alpha1LxcContainer> statusWriter,
    IEventRecorder events,
    ContainerControllerSettings settings,
    TimeProvider clock,
    ILogger<LxcContainerReconciler> logger,
    TenancyGate? tenancy = null) : IReconciler<V1Alpha1LxcContainer>
{
    public const string FinalizerName = "pve-operator.io/container";

    public async Task<ReconcileResult> ReconcileAsync(V1Alpha1LxcContainer container, CancellationToken cancellationToken)
    {
        var before = ConditionList.Find(container.Status?.Conditions, ConditionTypes.Ready);
        // tenancy gate: before any PVE call, and with a status that holds nothing the provider knows (node, state, addresses).
        if (tenancy?.Refuse(container) is { } refusal)
        {
            var refused = new ContainerReconcile(container, new LxcContainerStatus { Conditions = StatusCopy.Of(container.Status).Conditions }, clock.GetUtcNow());
            refused.NotReady(Reasons.ProviderNotAllowed, refusal, stalled: true);
            await WriteStatusAsync(refused, cancellationToken);
            await WarnWhenStalledAsync(refused, before, cancellationToken);
            return ReconcileResult.Done;
        }

        var work = new ContainerReconcile(container, StatusCopy.Of(container.Status), clock.GetUtcNow());
        var result = await DriveAsync(work, work.Desired, cancellationToken);
        if (!work.StatusLeftAsItIs)
        {
            await WriteStatusAsync(work, cancellationToken);
            await WarnWhenStalledAsync(work, before, cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// A stalled container waits for a human (provider gone or broken, node or CT not found): say so once with a Warning
    /// event when it gets there, as `kubectl describe` and event-based alerting expect. TaskFailed and PermissionDenied
    /// record their own Warning at each failed attempt.
    /// </summary>
    private async Task WarnWhenStalledAsync(ContainerReconcile work, V1Condition? before, CancellationToken cancellationToken)
    {
        if (work.Stall is not { } stall || stall.Reason is Reasons.TaskFailed or Reasons.PermissionDenied
            || (before is { Status: "False" } && before.Reason == stall.Reason && before.Message == stall.Message))
        {
            return;
        }

        await events.WarningAsync(work.Container, stall.Reason, stall.Message, cancellationToken);
    }

    public async Task<ReconcileResult> FinalizeAsync(V1Alpha1LxcContainer container, CancellationToken cancellationToken)
    {
        var key = EntityKey.Of(container);
        var policy = container.Spec.DeletionPolicy ?? DeletionPolicy.Orphan;
        var providerName = container.Spec.ProviderRef.Name;
        // tenancy gate: a container its provider refuses may not stop anything on the way out either.
        if (policy == DeletionPolicy.Orphan || tenancy?.Refuse(container) is not null)
        {
            Forget(providerName, key, container.Spec.Vmid);
            return ReconcileResult.Done;
        }

        if (!registry.TryGet(providerName, out var connection) || (!connection.IsReady && !providerExists(providerName)))
        {
            if (!providerExists(providerName))
            {
                // Nobody can stop it any more; holding the finalizer would only make the deletion hang.
                await events.WarningAsync(container, "ProviderGone",
                    $"ProxmoxProvider {providerName} no longer exists: CT {container.Spec.Vmid} is left as it is", cancellationToken);
                return ReconcileResult.Done;
            }

            return ReconcileResult.RequeueAfter(settings.ProviderNotReadyRetry);
        }

        var work = new ContainerReconcile(container, StatusCopy.Of(container.Status), clock.GetUtcNow());
        var result = await DriveAsync(work, PowerState.Stopped, cancellationToken);
        if (work.Converged)
        {
            await events.NormalAsync(container, "Stopped", $"CT {container.Spec.Vmid} stopped as deletionPolicy Stop asks", cancellationToken);
            Forget(providerName, key, container.Spec.Vmid);
            return ReconcileResult.Done;
        }

        await WriteStatusAsync(work, cancellationToken);
        return result;
    }

    private async Task<ReconcileResult> DriveAsync(ContainerReconcile work, PowerState desired, CancellationToken cancellationToken)
    {
        var spec = work.Container.Spec;
        var providerName = spec.ProviderRef.Name;
        if (!registry.TryGet(providerName, out var connection) || !connection.IsReady)
        {
            if (connection is null && providerExists(providerName) && work.Container.Status?.Conditions is { Count: > 0 })
            {
                // The operator just started and the provider's first sync is under way; it wakes every container when
                // it is done. Saying "not ready" now would flip a thousand Ready containers and back, for nothing.
                work.LeaveStatus();
                return ReconcileResult.RequeueAfter(settings.ProviderNotReadyRetry);
            }

            var (message, stalled) = connection is null
                ? (providerExists(providerName)
                    ? ($"ProxmoxProvider {providerName} is not connected yet", false)
                    : ($"ProxmoxProvider {providerName} not found (or being deleted): create it or fix spec.providerRef.name", true))
                : ($"ProxmoxProvider {providerName} is not ready: {connection.Health.Reason}: {connection.Health.Message}", connection.Health.Stalled);
            work.NotReady(Reasons.ProviderNotReady, message, stalled);
            return ReconcileResult.RequeueAfter(settings.ProviderNotReadyRetry);
        }

        var vmid = spec.Vmid;
        var memory = connection.MemoryOf(vmid);
        var entry = connection.Snapshot?.Find(vmid);

        // Locate the container: the pinned node, else where the cluster says it is.
        string? node;
        if (spec.Node is { } pinned)
        {
            if (!connection.Nodes.Contains(pinned))
            {
                work.NotReady(Reasons.NotFound, $"proxmox node {pinned} not found (available: {connection.Nodes.AvailableNodeNames})", stalled: true);
                return ReconcileResult.RequeueAfter(settings.NotFoundRetry);
            }

            node = pinned;
        }
        else
        {
            // While a task runs, its UPID names the node even if the snapshot has not caught up yet.
            node = entry?.Node
                ?? (Upid.TryParse(work.Status.PendingTask?.Upid, out var pendingUpid) ? pendingUpid.Node : null);
        }

        if (node is null)
        {
            work.NotReady(Reasons.NotFound,
                $"CT {vmid} not found on any node of provider {providerName} (nodes: {connection.Nodes.AvailableNodeNames})", stalled: true);
            return ReconcileResult.RequeueAfter(settings.NotFoundRetry);
        }

        try
        {
            if (work.Status.PendingTask is { } pending)
            {
                var outcome = await PollTaskAsync(work, connection, memory, pending, cancellationToken);
                if (outcome is { } waiting)
                {
                    return waiting;
                }
            }

            // The snapshot is enough when it agrees with the desired state and is not older than our last action.
            PveContainerSummary? fresh = null;
            var snapshotAgrees = entry is not null && entry.Node == node && entry.IsRunning == (desired == PowerState.Running)
                && string.IsNullOrEmpty(entry.Lock);
            if (!snapshotAgrees && OnlyWaitsForSlot(work, connection, memory, entry, node, desired))
            {
                return WaitForSlot(work, connection, node);
            }

            if (!snapshotAgrees || work.Now < memory.SnapshotUntrustedUntil || work.Status.Running is null)
            {
                fresh = await connection.Client.GetContainerStatusAsync(node, vmid, cancellationToken);
            }

            var running = fresh?.IsRunning ?? entry!.IsRunning;
            var lockName = fresh is not null ? fresh.Lock : entry?.Lock;
            memory.SeenRunning(running, work.Now, knownStoppedBefore: work.Status.Running == false);
            work.Observed(node, fresh?.Status ?? entry!.Status, running, fresh?.Name ?? entry?.Name);
            if (!running)
            {
                // A stopped container has no addresses, whatever it should be; forgetting them also makes the next
                // start read them afresh instead of keeping the last boot's lease.
                ClearAddresses(work, memory);
            }

            if (running == (desired == PowerState.Running))
            {
                memory.Succeeded();
                // Holds no slot here; if a freed slot woke it, it passes to the next waiting container.
                connection.ActionSlots.Release(EntityKey.Of(work.Container));
                var next = running
                    ? await RefreshAddressesAsync(work, connection, memory, node, cancellationToken)
                    : ClearAddresses(work, memory);
                work.Ready(running ? Reasons.Running : Reasons.Stopped,
                    $"CT {vmid} is {(running ? "running" : "stopped")} on {node}");
                return ReconcileResult.RequeueAfter(next);
            }

            if (!string.IsNullOrEmpty(lockName))
            {
                work.NotReady(Reasons.Locked, $"CT {vmid} is locked ({lockName}); waiting for the lock to be released", stalled: false);
                return ReconcileResult.RequeueAfter(settings.LockedRetry);
            }

            if (memory.InBackoff(work.Now, work.Container.Metadata.Generation ?? 0))
            {
                return ReconcileResult.RequeueAfter(memory.RetryNotBefore - work.Now);
            }

            if (memory.OutcomeUnknownAt is { } unknownAt && work.Now - unknownAt < settings.UnknownOutcomeHold)
            {
                work.Progressing(Reasons.Observing, $"the outcome of the last power action on CT {vmid} is unknown; observing before acting again");
                return ReconcileResult.RequeueAfter(settings.TaskPollInterval);
            }

            // An HA-managed container's task only asks the HA manager, which acts a round later: wait for it,
            // and likewise for a moment after any successful action, instead of sending the action again.
            if (fresh is PveContainerStatus { Ha.Managed: true } ha && ha.Ha.State == (desired == PowerState.Running ? "started" : "stopped"))
            {
                work.Progressing(Reasons.Observing, $"CT {vmid} is HA-managed; waiting for the HA manager to make it {ha.Ha.State}");
                return ReconcileResult.RequeueAfter(settings.TaskPollInterval);
            }

            if (memory.AwaitsEffect(desired == PowerState.Running, work.Now, settings.UnknownOutcomeHold))
            {
                work.Progressing(Reasons.Observing, $"the last power action on CT {vmid} succeeded; waiting for PVE to show its effect");
                return ReconcileResult.RequeueAfter(settings.TaskPollInterval);
            }

            return await ActAsync(work, connection, memory, node, desired, cancellationToken);
        }
        catch (PveApiException error)
        {
            return await HandleErrorAsync(work, memory, node, error, cancellationToken);
        }
    }

    /// <summary>Returns a result while the task still runs or failed; null when it ended well and observing can go on.</summary>
    private async Task<ReconcileResult?> PollTaskAsync(
        ContainerReconcile work, ProviderConnection connection, ContainerMemory memory, PendingTaskStatus pending, CancellationToken cancellationToken)
    {
        var key = EntityKey.Of(work.Container);
        if (!Upid.TryParse(pending.Upid, out var upid))
        {
            work.Status.PendingTask = null;
            return null;
        }

        // After a restart the task is still running in PVE: count it against its node's limit.
        connection.ActionSlots.Hold(upid.Node, key);
        PveTaskStatus task;
        try
        {
            task = await connection.Client.GetTaskStatusAsync(upid, cancellationToken);
        }
        catch (PveApiException error) when (error.Kind == PveErrorKind.Validation)
        {
            // "no such task": the node forgot it (a reboot); what matters is the container's state, so look at it.
            LogTaskVanished(key, pending.Upid);
            work.Status.PendingTask = null;
            connection.ActionSlots.Release(key);
            memory.ActionSettled(work.Now, settings.SnapshotLag);
            return null;
        }

        var sincePost = work.Now.UtcDateTime - DateTime.SpecifyKind(pending.StartedAt, DateTimeKind.Utc);
        if (task.IsRunning)
        {
            memory.TaskSeenRunning(sincePost);
            return ReconcileResult.RequeueAfter(NextTaskPoll(connection, pending.Action, sincePost));
        }

        connection.TaskTimings.Observe(pending.Action, memory.TaskLastSeenRunning, sincePost, settings.TaskPollMinInterval);
        memory.TaskEnded();
        work.Status.PendingTask = null;
        connection.ActionSlots.Release(key);
        memory.ActionSettled(work.Now, settings.SnapshotLag);
        if (task.Succeeded)
        {
            memory.ActionSucceeded(work.Now, towardsRunning: pending.Action == "start");
            return null;
        }

        var delay = memory.Failed(work.Now, work.Container.Metadata.Generation ?? 0, settings.FailureBackoffBase, settings.FailureBackoffMax);
        var message = $"{pending.Action} of CT {work.Container.Spec.Vmid} failed: {task.FailureText}; retrying in {DurationFormat.Format(delay)}";
        work.NotReady(Reasons.TaskFailed, message, stalled: true);
        await events.WarningAsync(work.Container, Reasons.TaskFailed, message, cancellationToken);
        return ReconcileResult.RequeueAfter(delay);
    }

    private async Task<ReconcileResult> ActAsync(
        ContainerReconcile work, ProviderConnection connection, ContainerMemory memory, string node, PowerState desired, CancellationToken cancellationToken)
    {
        var key = EntityKey.Of(work.Container);
        var vmid = work.Container.Spec.Vmid;
        if (!connection.ActionSlots.TryAcquire(node, key))
        {
            return WaitForSlot(work, connection, node);
        }

        var action = desired == PowerState.Running ? "start" : "shutdown";
        Upid upid;
        try
        {
            if (desired == PowerState.Running)
            {
                upid = await connection.Client.StartContainerAsync(node, vmid, cancellationToken);
            }
            else
            {
                var shutdown = work.Container.Spec.Shutdown;
                upid = await connection.Client.ShutdownContainerAsync(node, vmid, shutdown?.TimeoutSeconds ?? 60, shutdown?.ForceStop ?? true, cancellationToken);
            }
        }
        catch (PveApiException error) when (error.Kind == PveErrorKind.AlreadyInState)
        {
            // PVE already is where we want it (the snapshot lagged): look again instead of acting.
            connection.ActionSlots.Release(key);
            memory.ActionSettled(work.Now, settings.SnapshotLag);
            work.Progressing(Reasons.Observing, $"CT {vmid}: {error.Message}");
            return ReconcileResult.RequeueAfter(TimeSpan.Zero);
        }
        catch (PveApiException error) when (error.OutcomeUnknown)
        {
            connection.ActionSlots.Release(key);
            memory.OutcomeUnknown(work.Now, settings.SnapshotLag);
            work.Progressing(Reasons.Observing, $"{action} of CT {vmid} was sent but its outcome is unknown ({error.Message}); observing");
            return ReconcileResult.RequeueAfter(settings.TaskPollInterval);
        }
        catch
        {
            connection.ActionSlots.Release(key);
            throw;
        }

        work.Status.PendingTask = new PendingTaskStatus { Upid = upid.Raw, Action = action, StartedAt = work.Now.UtcDateTime };
        var verb = desired == PowerState.Running ? Reasons.Starting : Reasons.Stopping;
        work.Progressing(verb, $"{verb.ToLowerInvariant()} CT {vmid} on {node} (task {upid.Raw})");
        // The UPID must reach the API server before anything else can happen, so a restart resumes instead of re-sending.
        await WriteStatusAsync(work, cancellationToken);
        await events.NormalAsync(work.Container, verb, $"{action} of CT {vmid} on {node} sent", cancellationToken);
        memory.TaskEnded();
        return ReconcileResult.RequeueAfter(NextTaskPoll(connection, action, TimeSpan.Zero));
    }

    private ReconcileResult WaitForSlot(ContainerReconcile work, ProviderConnection connection, string node)
    {
        work.Progressing(Reasons.WaitingForSlot,
            $"waiting for one of {connection.ActionSlots.MaxPerNode} power action slots on node {node}");
        return ReconcileResult.RequeueAfter(settings.SlotWaitInterval);
    }

    /// <summary>
    /// Whether this reconcile could only end waiting for an action slot: the container was observed before, the trusted
    /// snapshot shows it unlocked in the other state, nothing else holds the action back, and the node is full. Then the
    /// status/current confirmation is skipped: many waiting containers repeating it every SlotWaitInterval would fill
    /// the node's few request slots, which the task polls that free the action slots need.
    /// </summary>
    private bool OnlyWaitsForSlot(
        ContainerReconcile work, ProviderConnection connection, ContainerMemory memory, PveClusterResource? entry, string node, PowerState desired)
        => work.Status.Running is not null
            && entry is not null && entry.Node == node && string.IsNullOrEmpty(entry.Lock)
            && entry.IsRunning != (desired == PowerState.Running)
            && work.Now >= memory.SnapshotUntrustedUntil
            && !memory.InBackoff(work.Now, work.Container.Metadata.Generation ?? 0)
            && (memory.OutcomeUnknownAt is not { } unknownAt || work.Now - unknownAt >= settings.UnknownOutcomeHold)
            && !connection.ActionSlots.HasRoom(node, EntityKey.Of(work.Container));

    private TimeSpan NextTaskPoll(ProviderConnection connection, string action, TimeSpan sincePost) =>
        connection.TaskTimings.NextPoll(action, sincePost, settings.TaskPollMinInterval, settings.TaskPollInterval);

    private async Task<TimeSpan> RefreshAddressesAsync(
        ContainerReconcile work, ProviderConnection connection, ContainerMemory memory, string node, CancellationToken cancellationToken)
    {
        var hasIpv4 = work.Status.IpAddresses?.Any(a => a.Contains('.', StringComparison.Ordinal)) == true;
        var every = IpRefreshEvery(connection);
        if (memory.LastIpRefresh is null && work.Status.IpAddresses is { Count: > 0 }
            && work.Container.Status?.ObservedGeneration == work.Container.Metadata.Generation)
        {
            // The addresses in status were read before this operator started (a restart or a new leader) for this very
            // spec: take them as read at some point of the last interval instead of asking every container again at once.
            memory.IpsRefreshed(work.Now - every * Random.Shared.NextDouble());
        }

        var inDhcpWindow = memory.StartedAt is { } started && work.Now - started < settings.DhcpRetryWindow;
        if (memory.LastIpRefresh is null && work.Status.IpAddresses is not null && !inDhcpWindow && settings.IpRefreshInterval > TimeSpan.Zero)
        {
            // Known from before a restart: spread the first refreshes over the interval instead of all at once.
            memory.IpsRefreshed(work.Now - (settings.IpRefreshInterval * 0.9 * Random.Shared.NextDouble()));
        }

        var refreshDue = memory.LastIpRefresh is not { } last
            || (inDhcpWindow && !hasIpv4 && work.Now - last >= settings.DhcpRetryInterval)
            || (every > TimeSpan.Zero && work.Now - last >= every);

        if (refreshDue)
        {
            var addresses = await connection.Client.GetContainerAddressesAsync(node, work.Container.Spec.Vmid, cancellationToken);
            memory.IpsRefreshed(work.Now);
            work.Status.Interfaces = addresses.Interfaces.Count == 0 ? null : addresses.Interfaces.Select(i => new ContainerInterfaceStatus
            {
                Name = i.Name,
                Hwaddr = i.HardwareAddress?.ToLowerInvariant(),
                IpAddresses = i.Addresses.Select(a => a.Address.ToString()).ToList(),
            }).ToList();
            var flat = addresses.Addresses.Select(a => a.ToString()).ToList();
            work.Status.IpAddresses = flat.Count == 0 ? null : flat;
            hasIpv4 = addresses.Addresses.Any(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
        }

        if (inDhcpWindow && !hasIpv4)
        {
            return settings.DhcpRetryInterval;
        }

        var untilRefresh = every > TimeSpan.Zero
            ? Jitter(every - (work.Now - (memory.LastIpRefresh ?? work.Now)))
            : settings.ResyncInterval;
        return untilRefresh < settings.ResyncInterval ? untilRefresh : settings.ResyncInterval;
    }

    /// <summary>The slow refresh interval, stretched so that the provider's containers stay within the refresh budget.</summary>
    private TimeSpan IpRefreshEvery(ProviderConnection connection)
    {
        var interval = settings.IpRefreshInterval;
        if (interval <= TimeSpan.Zero || settings.IpRefreshBudgetPerMinute <= 0)
        {
            return interval;
        }

        var spread = TimeSpan.FromMinutes(connection.Containers.Count / (double)settings.IpRefreshBudgetPerMinute);
        return spread > interval ? spread : interval;
    }

    private TimeSpan ClearAddresses(ContainerReconcile work, ContainerMemory memory)
    {
        memory.ForgetIps();
        work.Status.IpAddresses = null;
        work.Status.Interfaces = null;
        return settings.ResyncInterval;
    }

    private async Task<ReconcileResult> HandleErrorAsync(
        ContainerReconcile work, ContainerMemory memory, string node, PveApiException error, CancellationToken cancellationToken)
    {
        var vmid = work.Container.Spec.Vmid;
        switch (error.Kind)
        {
            case PveErrorKind.NotFound:
                work.NotReady(Reasons.NotFound, $"CT {vmid} not found on node {node}: {error.Message}", stalled: work.Container.Spec.Node is not null);
                // Without a pinned node the snapshot may simply be behind a migration: look again soon.
                return ReconcileResult.RequeueAfter(work.Container.Spec.Node is null ? settings.DhcpRetryInterval : settings.NotFoundRetry);
            case PveErrorKind.Forbidden:
            {
                var message = $"the provider's token lacks {error.Privilege ?? "a privilege"} on {error.PermissionPath ?? $"/vms/{vmid}"}; grant it to the token (e.g. role PVEVMUser on /vms/{vmid})";
                var alreadyReported = ConditionList.Find(work.Container.Status?.Conditions, ConditionTypes.Ready) is { Reason: Reasons.PermissionDenied } previous
                    && previous.Message == message;
                work.NotReady(Reasons.PermissionDenied, message, stalled: true);
                if (!alreadyReported)
                {
                    await events.WarningAsync(work.Container, Reasons.PermissionDenied, message, cancellationToken);
                }

                return ReconcileResult.RequeueAfter(memory.Failed(work.Now, work.Container.Metadata.Generation ?? 0, settings.FailureBackoffBase, settings.FailureBackoffMax));
            }

            case PveErrorKind.Locked:
                work.NotReady(Reasons.Locked, $"CT {vmid} is locked: {error.Message}", stalled: false);
                return ReconcileResult.RequeueAfter(settings.LockedRetry);
            default:
            {
                var delay = memory.Failed(work.Now, work.Container.Metadata.Generation ?? 0, settings.FailureBackoffBase, settings.FailureBackoffMax);
                var message = $"PVE request for CT {vmid} failed: {error.Message}; retrying in {DurationFormat.Format(delay)}";
                work.NotReady(Reasons.ActionFailed, message, stalled: error.Kind != PveErrorKind.Transient);
                LogPveError(EntityKey.Of(work.Container), error.Message);
                return ReconcileResult.RequeueAfter(delay);
            }
        }
    }

    private async Task WriteStatusAsync(ContainerReconcile work, CancellationToken cancellationToken)
    {
        work.Status.ObservedGeneration = work.Container.Metadata.Generation;
        if (await statusWriter.PatchStatusIfChangedAsync(work.Container, work.Status, cancellationToken))
        {
            // Later writes in the same reconcile compare against what was just written.
            work.Container.Status = StatusCopy.Of(work.Status);
        }
    }

    /// <summary>Drops what was held for a deleted resource, so a new resource for the same VMID starts afresh.</summary>
    private void Forget(string providerName, string key, int vmid)
    {
        if (registry.TryGet(providerName, out var connection))
        {
            connection.ActionSlots.Release(key);
            connection.Containers.TryRemove(vmid, out _);
        }
    }

    private static TimeSpan Jitter(TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        // Up to 10% earlier, so a thousand containers started together do not refresh together forever.
        return delay - TimeSpan.FromTicks((long)(delay.Ticks * 0.1 * Random.Shared.NextDouble()));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Key}: task {Upid} is unknown to PVE; re-observing")]
    private partial void LogTaskVanished(string key, string upid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Key}: PVE request failed: {Detail}")]
    private partial void LogPveError(string key, string detail);
}
