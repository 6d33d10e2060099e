using k8s.Models;
using Microsoft.Extensions.Logging;
using PveOperator.Entities;
using PveOperator.Proxmox;
using PveOperator.Runtime;

namespace PveOperator.Controllers;

/// <summary>
/// Drives one LxcContainer as observe → plan → act: gathers the facts (provider, claim, cluster snapshot, history),
/// lets <see cref="ContainerPlanner"/> choose the one next step, carries it out through <see cref="ContainerActions"/>
/// (observation steps add facts and plan again), and writes the status. A worker never waits on a PVE task: the
/// operation is recorded in status and polled on a later reconcile.
/// </summary>
internal sealed partial class LxcContainerReconciler(
    ProviderRegistry registry,
    IEntityCache<V1Alpha1ProxmoxProvider> providers,
    IEntityCache<V1Alpha1LxcContainer> containers,
    IStatusWriter<V1Alpha1LxcContainer> statusWriter,
    IEventRecorder events,
    ContainerControllerSettings settings,
    TimeProvider clock,
    Random random,
    ILogger<LxcContainerReconciler> logger,
    ISecretReader? secrets = null,
    TenancyGate? tenancy = null) : IReconciler<V1Alpha1LxcContainer>
{
    public const string FinalizerName = "pve-operator.io/container";

    /// <summary>
    /// Steps in one reconcile; the planner needs at most eight (task, settle, slot, status, config read, write and
    /// re-read, addresses).
    /// </summary>
    private const int MaxStepsPerReconcile = 10;

    private readonly ContainerActions actions = new(statusWriter, events, settings, logger,
        new LifecycleActions(statusWriter, events, secrets, (provider, vmid, uid) =>
            containers.ByIndex(ContainerIndexes.ByProviderAndVmid, ContainerClaims.IndexKey(provider, vmid)).Any(c => c.Metadata.Uid != uid)),
        new ConfigActions(statusWriter, events));

    public Task<ReconcileResult> ReconcileAsync(V1Alpha1LxcContainer container, CancellationToken cancellationToken) =>
        RunAsync(container, deleting: false, cancellationToken);

    public Task<ReconcileResult> FinalizeAsync(V1Alpha1LxcContainer container, CancellationToken cancellationToken) =>
        RunAsync(container, deleting: true, cancellationToken);

    private async Task<ReconcileResult> RunAsync(V1Alpha1LxcContainer container, bool deleting, CancellationToken cancellationToken)
    {
        var before = ConditionList.Find(container.Status?.Conditions, ConditionTypes.Ready);
        var work = new ContainerReconcile(container, StatusCopy.Of(container.Status), clock.GetUtcNow());
        ResumeLegacyPendingTask(work);
        // The VMID is recorded once and never changes; the VMID column and a changed spec.vmid are judged by it.
        work.Status.Vmid ??= container.Spec.Vmid;
        if (work.Status.Vmid is not null)
        {
            // Recorded with the VMID: a changed spec.providerRef is judged by it on servers without CEL.
            work.Status.Provider ??= container.Spec.ProviderRef.Name;
        }
        if (container.Spec.Create is { } create && work.Status.CreatedWith is null && work.Status.Vmid is not null
            && work.Status.Operation is null && work.Status.Running is not null)
        {
            // Created by an operator version that did not record it: take the spec as it is now, once.
            work.Status.CreatedWith = StatusCopy.Of(create);
        }
        if (!container.Paused)
        {
            work.Unpause();
        }

        registry.TryGet(container.Spec.ProviderRef.Name, out var connection);
        var facts = Observe(work, connection, deleting);
        for (var steps = 1; ; steps++)
        {
            var step = ContainerPlanner.Plan(facts, settings);
            if (step.History is { } history)
            {
                facts = facts with { History = history };
            }

            if (!step.PlansAgain || steps == MaxStepsPerReconcile)
            {
                Remember(connection, container, facts.History);
                return await ConcludeAsync(step, facts, work, connection, before, cancellationToken);
            }

            facts = await actions.RunAsync(step, facts, work, connection!, cancellationToken);
        }
    }

    private ContainerFacts Observe(ContainerReconcile work, ProviderConnection? connection, bool deleting)
    {
        var container = work.Container;
        var spec = container.Spec;
        var providerName = spec.ProviderRef.Name;
        var provider = new ProviderFacts(providerName, providers.Get(providerName) is { Metadata.DeletionTimestamp: null }, connection?.Health);
        if (connection is not null)
        {
            provider = provider with
            {
                NodeNames = connection.Nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal),
                AvailableNodeNames = connection.Nodes.AvailableNodeNames,
                MaxActionsPerNode = connection.ActionSlots.MaxPerNode,
                TaskTimings = connection.TaskTimings,
                ContainerCount = connection.Histories.Count,
                VmidRange = providers.Get(providerName)?.Spec.VmidRange,
            };
        }

        var vmid = spec.Vmid ?? work.Status.Vmid;
        var holder = vmid is { } claimed
            ? ContainerClaims.Holder(containers.ByIndex(ContainerIndexes.ByProviderAndVmid, ContainerClaims.IndexKey(providerName, claimed))
                .Where(c => c.Metadata.Uid != container.Metadata.Uid)
                .Append(container))
            : null;
        return new ContainerFacts
        {
            Container = container,
            Status = work.Status,
            Now = work.Now,
            Provider = provider,
            Deleting = deleting,
            TenancyRefusal = tenancy?.Refuse(container),
            ClaimHolder = holder is null || holder == EntityKey.Of(container) ? null : holder,
            Entry = vmid is { } known ? connection?.Snapshot?.Find(known) : null,
            SnapshotFetchedAt = connection?.Snapshot?.FetchedAt ?? DateTimeOffset.MinValue,
            SourceEntry = spec.Create?.Clone is { } clone ? connection?.Snapshot?.Find(clone.Vmid) : null,
            History = connection?.Histories.GetValueOrDefault(HistoryKey(container)) ?? ContainerHistory.Empty,
            Spread = random.NextDouble(),
            Jitter = random.NextDouble(),
        };
    }

    private async Task<ReconcileResult> ConcludeAsync(
        ContainerStep step, ContainerFacts facts, ContainerReconcile work, ProviderConnection? connection, V1Condition? before,
        CancellationToken cancellationToken)
    {
        var container = work.Container;
        switch (step)
        {
            case ContainerStep.KeepStatus keep:
                return ReconcileResult.RequeueAfter(keep.Requeue);
            case ContainerStep.Pause pause:
                work.Pause();
                await ContainerActions.WriteStatusAsync(work, statusWriter, cancellationToken);
                return ReconcileResult.RequeueAfter(pause.Requeue);
            case ContainerStep.Finish finish:
                if (finish.Event is { } note)
                {
                    await (note.Warning
                        ? events.WarningAsync(container, note.Reason, note.Message, cancellationToken)
                        : events.NormalAsync(container, note.Reason, note.Message, cancellationToken));
                }

                // Why a finalizer was released is the one question a vanished resource leaves: say it in the log too.
                LogFinished(EntityKey.Of(container), finish.Event?.Reason ?? "(no event)", finish.Event?.Message ?? "nothing left to do in PVE");

                Forget(connection, container);
                return ReconcileResult.Done;
            case ContainerStep.Report report:
                if (report.Converged || report.ReleasesSlot)
                {
                    // Holds no slot now; if a freed slot woke it, the slot passes to the next waiting container.
                    connection?.ActionSlots.Release(EntityKey.Of(container));
                }

                if (report.ForgetsObserved)
                {
                    work.ForgetObserved();
                }

                if (report.Sync is { } sync)
                {
                    work.ApplySync(sync);
                }

                if (report.Outcome is { } outcome)
                {
                    work.Apply(outcome);
                    if (outcome.Reason == Reasons.ActionFailed && facts.Error is { } error)
                    {
                        LogPveError(EntityKey.Of(container), error.Message);
                    }
                }

                await ContainerActions.WriteStatusAsync(work, statusWriter, cancellationToken);
                if (report.Outcome is { Warn: true } warned)
                {
                    await events.WarningAsync(container, warned.Reason, warned.Message, cancellationToken);
                }
                else if (!facts.Deleting)
                {
                    await WarnWhenStalledAsync(work, before, cancellationToken);
                }

                return ReconcileResult.RequeueAfter(report.Requeue);
            default:
                // Only reached when a reconcile used up its steps: look again soon rather than loop.
                await ContainerActions.WriteStatusAsync(work, statusWriter, cancellationToken);
                return ReconcileResult.RequeueAfter(settings.TaskPollInterval);
        }
    }

    /// <summary>
    /// A stalled container waits for a human (provider gone or broken, node or CT not found, a conflict): say so once with
    /// a Warning event when it gets there, as `kubectl describe` and event-based alerting expect.
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

    /// <summary>Operator versions before status.operation wrote status.pendingTask: resume from it once, then drop it.</summary>
    private static void ResumeLegacyPendingTask(ContainerReconcile work)
    {
        if (work.Status.PendingTask is not { } legacy)
        {
            return;
        }

        work.Status.Operation ??= new OperationStatus
        {
            Type = legacy.Action == "start" ? OperationType.Start : OperationType.Shutdown,
            Upid = legacy.Upid,
            StartedAt = legacy.StartedAt,
            Generation = work.Container.Metadata.Generation ?? 0,
        };
        work.Status.PendingTask = null;
    }

    private static string HistoryKey(V1Alpha1LxcContainer container) => container.Metadata.Uid ?? EntityKey.Of(container);

    private static void Remember(ProviderConnection? connection, V1Alpha1LxcContainer container, ContainerHistory history)
    {
        if (connection is not null && history != ContainerHistory.Empty)
        {
            connection.Histories[HistoryKey(container)] = history;
        }
    }

    /// <summary>Drops what was held for a deleted resource, so that nothing of it outlives it.</summary>
    private static void Forget(ProviderConnection? connection, V1Alpha1LxcContainer container)
    {
        connection?.ActionSlots.Release(EntityKey.Of(container));
        connection?.StorageSlots.Release(EntityKey.Of(container));
        connection?.CloneSourceSlots.Release(EntityKey.Of(container));
        if (container.Status?.Vmid is { } vmid && container.Metadata.Uid is { } uid)
        {
            connection?.VmidReservations.TryRemove(new KeyValuePair<int, string>(vmid, uid));
        }

        connection?.Histories.TryRemove(HistoryKey(container), out _);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Key}: PVE request failed: {Detail}")]
    private partial void LogPveError(string key, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Key}: finished with it ({Reason}): {Detail}")]
    private partial void LogFinished(string key, string reason, string detail);
}
