using Microsoft.Extensions.Logging;
using PveOperator.Entities;
using PveOperator.Proxmox;
using PveOperator.Runtime;

namespace PveOperator.Controllers;

/// <summary>
/// Carries out the planner's observation and action steps against PVE and returns the facts they add. Decides nothing:
/// a failed request becomes a fact (<see cref="ContainerFacts.Error"/>) for the planner to judge.
/// </summary>
internal sealed partial class ContainerActions(
    IStatusWriter<V1Alpha1LxcContainer> statusWriter,
    IEventRecorder events,
    ContainerControllerSettings settings,
    ILogger logger,
    LifecycleActions lifecycle,
    ConfigActions configuration)
{
    public async Task<ContainerFacts> RunAsync(
        ContainerStep step, ContainerFacts f, ContainerReconcile work, ProviderConnection connection, CancellationToken cancellationToken)
    {
        var key = EntityKey.Of(work.Container);
        var client = connection.Client;
        try
        {
            if (await lifecycle.RunAsync(step, f, work, connection, cancellationToken) is { } lifecycleFacts)
            {
                return lifecycleFacts;
            }

            if (await configuration.RunAsync(step, f, work, connection, cancellationToken) is { } configFacts)
            {
                return configFacts;
            }

            var vmid = f.KnownVmid;
            switch (step)
            {
                case ContainerStep.PollTask poll:
                    return f with { Task = await PollAsync(poll.Upid, work, connection, key, settings.ActionSlotHoldLimit, cancellationToken) };
                case ContainerStep.SettleOperation settle:
                {
                    var operation = work.Status.Operation!;
                    if (settle.Outcome is TaskObservation.Ended ended)
                    {
                        connection.TaskTimings.Observe(ContainerPlanner.Verb(operation.Type), f.History.TaskLastSeenRunning, ended.SincePost, settings.TaskPollMinInterval);
                    }

                    work.Status.Operation = null;
                    connection.ActionSlots.Release(key);
                    connection.StorageSlots.Release(key);
                    connection.CloneSourceSlots.Release(key);
                    await lifecycle.SettledAsync(operation, settle.Outcome, work, cancellationToken);
                    await configuration.SettledAsync(operation, settle.Outcome, work, cancellationToken);
                    return f with { Settled = operation, Task = settle.Outcome };
                }

                case ContainerStep.ReadLiveStatus read:
                    return Observed(f, work, read.Node, LiveState.From(await client.GetContainerStatusAsync(read.Node, vmid, cancellationToken)));
                case ContainerStep.AdoptSnapshot adopt:
                    return Observed(f, work, adopt.Node, LiveState.From(f.Entry!));
                case ContainerStep.CheckSlot check:
                    return f with { SlotFree = connection.ActionSlots.HasRoom(check.Node, key) };
                case ContainerStep.ReadNetworkConfig read:
                {
                    var config = await client.GetContainerConfigAsync(read.Node, vmid, cancellationToken);
                    return f with { History = f.History with { DhcpInterfaces = DhcpInterface.From(config.Networks) } };
                }

                case ContainerStep.ReadAddresses read:
                {
                    var addresses = await client.GetContainerAddressesAsync(read.Node, vmid, cancellationToken);
                    work.Status.Interfaces = addresses.Interfaces.Count == 0 ? null : addresses.Interfaces.Select(i => new ContainerInterfaceStatus
                    {
                        Name = i.Name,
                        Hwaddr = i.HardwareAddress?.ToLowerInvariant(),
                        IpAddresses = i.Addresses.Select(a => a.Address.ToString()).ToList(),
                    }).ToList();
                    var flat = addresses.Addresses.Select(a => a.ToString()).ToList();
                    work.Status.IpAddresses = flat.Count == 0 ? null : flat;
                    return f with { AddressesRead = true, History = f.History.AddressesRefreshed(f.Now) };
                }

                case ContainerStep.SendPowerAction act:
                    return await SendAsync(act, f, work, connection, key, cancellationToken);
                default:
                    throw new ArgumentException($"{step.GetType().Name} is not carried out by {nameof(ContainerActions)}", nameof(step));
            }
        }
        catch (PveApiException error)
        {
            return f with { Error = error, FailedStep = step };
        }
    }

    private async Task<TaskObservation> PollAsync(
        Upid upid, ContainerReconcile work, ProviderConnection connection, string key, TimeSpan slotHoldLimit, CancellationToken cancellationToken)
    {
        var operation = work.Status.Operation!;
        var sincePost = work.Now.UtcDateTime - DateTime.SpecifyKind(operation.StartedAt, DateTimeKind.Utc);
        switch (operation.Type)
        {
            // After a restart the task is still running in PVE: count it against its node's, source's or storage's limit.
            case OperationType.Start or OperationType.Shutdown or OperationType.Restart or OperationType.Migrate when sincePost < slotHoldLimit:
                connection.ActionSlots.Hold(upid.Node, key);
                break;
            case OperationType.Clone:
                connection.CloneSourceSlots.Hold(upid.Id, key);
                break;
            case OperationType.Create or OperationType.Destroy when operation.Storage is { } storage:
                connection.StorageSlots.Hold(storage, key);
                break;
        }

        PveTaskStatus task;
        try
        {
            task = await connection.Client.GetTaskStatusAsync(upid, cancellationToken);
        }
        catch (PveApiException error) when (error.Kind == PveErrorKind.Validation)
        {
            // "no such task": the node forgot it (a reboot), or something between us and PVE mangles UPIDs.
            LogTaskUnknown(key, upid.Raw);
            return new TaskObservation.Unknown();
        }

        return task.IsRunning
            ? new TaskObservation.Running(sincePost)
            : new TaskObservation.Ended(task.Succeeded, task.FailureText, sincePost);
    }

    private static ContainerFacts Observed(ContainerFacts f, ContainerReconcile work, string node, LiveState live)
    {
        var history = f.History.SeenRunning(live.Running, f.Now, knownStoppedBefore: work.Status.Running == false);
        work.Observed(node, live);
        return f with { Live = live, History = history };
    }

    private async Task<ContainerFacts> SendAsync(
        ContainerStep.SendPowerAction act, ContainerFacts f, ContainerReconcile work, ProviderConnection connection, string key, CancellationToken cancellationToken)
    {
        if (!connection.ActionSlots.TryAcquire(act.Node, key))
        {
            return f with { SlotFree = false };
        }

        var vmid = f.KnownVmid;
        var verb = act.Type == OperationType.Start ? Reasons.Starting : Reasons.Stopping;
        var operation = new OperationStatus { Type = act.Type, StartedAt = work.Now.UtcDateTime, Generation = f.Generation };
        var shutdown = f.Spec.Shutdown;
        var sent = await OperationSender.SendAsync(f, work, statusWriter, operation, verb, $"{verb.ToLowerInvariant()} CT {vmid} on {act.Node}",
            () => act.Type == OperationType.Start
                ? connection.Client.StartContainerAsync(act.Node, vmid, cancellationToken)
                : connection.Client.ShutdownContainerAsync(act.Node, vmid, shutdown?.TimeoutSeconds ?? 60, shutdown?.ForceStop ?? true, cancellationToken),
            () => connection.ActionSlots.Release(key), cancellationToken);
        await events.NormalAsync(work.Container, verb, $"{ContainerPlanner.Verb(act.Type)} of CT {vmid} on {act.Node} sent", cancellationToken);
        return sent;
    }

    /// <summary>Writes the status if it changed; later writes of the same reconcile compare against what was written.</summary>
    public static async Task WriteStatusAsync(ContainerReconcile work, IStatusWriter<V1Alpha1LxcContainer> writer, CancellationToken cancellationToken)
    {
        work.Status.ObservedGeneration = work.Container.Metadata.Generation;
        if (await writer.PatchStatusIfChangedAsync(work.Container, work.Status, cancellationToken))
        {
            work.Container.Status = StatusCopy.Of(work.Status);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Key}: task {Upid} is unknown to PVE; its outcome is unknown, observing and backing off")]
    private partial void LogTaskUnknown(string key, string upid);
}
