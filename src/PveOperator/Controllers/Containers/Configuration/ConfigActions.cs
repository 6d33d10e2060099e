using PveOperator.Entities;
using PveOperator.Proxmox;
using PveOperator.Runtime;

namespace PveOperator.Controllers;

/// <summary>
/// Carries out the configuration steps (read with GET .../pending, one PUT .../config, resize, restart, migrate) and
/// returns the facts they add. Decides nothing; failed PVE requests propagate to <see cref="ContainerActions"/>.
/// </summary>
internal sealed class ConfigActions(IStatusWriter<V1Alpha1LxcContainer> statusWriter, IEventRecorder events)
{
    public async Task<ContainerFacts?> RunAsync(
        ContainerStep step, ContainerFacts f, ContainerReconcile work, ProviderConnection connection, CancellationToken cancellationToken)
    {
        var client = connection.Client;
        switch (step)
        {
            case ContainerStep.ReadConfiguration read:
            {
                var observation = ConfigObservation.From(await client.GetContainerPendingAsync(read.Node, f.KnownVmid, cancellationToken));
                return f with
                {
                    ConfigRead = observation,
                    History = f.History with
                    {
                        ConfigReadAt = f.Now,
                        ConfigReadGeneration = f.Generation,
                        ConfigSnapshotSignature = ConfigPlanner.SnapshotSignature(f),
                        ConfigStale = false,
                    },
                };
            }

            case ContainerStep.WriteConfiguration write:
            {
                var change = write.Change;
                await client.UpdateContainerConfigAsync(write.Node, f.KnownVmid, change.Set, change.Delete.Count == 0 ? null : change.Delete, write.Digest, cancellationToken);
                var fields = string.Join(", ", change.Drift.Where(d => change.Resizes.All(r => r.Field != d.Field)).Select(d => d.Field));
                await events.NormalAsync(work.Container, Reasons.ConfigApplied, $"CT {f.Vmid}: applied {fields}", cancellationToken);
                return f with { ConfigRead = null, ConfigWritten = true, History = f.History with { ConfigStale = true } };
            }

            case ContainerStep.SendConfigOperation send:
                return await SendAsync(send, f, work, connection, cancellationToken);
            default:
                return null;
        }
    }

    /// <summary>The event for a resize, restart or migration that ended well.</summary>
    public async Task SettledAsync(OperationStatus operation, TaskObservation outcome, ContainerReconcile work, CancellationToken cancellationToken)
    {
        if (outcome is not TaskObservation.Ended { Succeeded: true })
        {
            return;
        }

        var vmid = work.Status.Vmid ?? work.Container.Spec.Vmid;
        var (reason, message) = operation.Type switch
        {
            OperationType.Resize => (Reasons.Resized, $"grew {operation.Disk} of CT {vmid}"),
            OperationType.Restart => (Reasons.Restarted, $"restarted CT {vmid} so that its pending configuration applies"),
            OperationType.Migrate => (Reasons.Migrated, $"migrated CT {vmid} from {operation.Node} to {operation.Target}"),
            _ => (null, null),
        };
        if (reason is not null)
        {
            await events.NormalAsync(work.Container, reason, message!, cancellationToken);
        }
    }

    private async Task<ContainerFacts> SendAsync(
        ContainerStep.SendConfigOperation send, ContainerFacts f, ContainerReconcile work, ProviderConnection connection, CancellationToken cancellationToken)
    {
        var key = EntityKey.Of(work.Container);
        var usesSlot = send.Type is OperationType.Restart or OperationType.Migrate;
        if (usesSlot && !connection.ActionSlots.TryAcquire(send.Node, key))
        {
            return f with { SlotFree = false };
        }

        var vmid = f.KnownVmid;
        var client = connection.Client;
        var shutdown = f.Spec.Shutdown?.TimeoutSeconds ?? 60;
        var (reason, message, request) = send.Type switch
        {
            OperationType.Resize => (Reasons.Resizing, $"growing {send.Resize!.Disk} of CT {vmid} to {send.Resize.Size}",
                (Func<Task<Upid>>)(() => client.ResizeContainerDiskAsync(send.Node, vmid, send.Resize.Disk, send.Resize.Size, cancellationToken: cancellationToken))),
            OperationType.Restart => (Reasons.Restarting, $"restarting CT {vmid} on {send.Node} for its pending configuration",
                () => client.RebootContainerAsync(send.Node, vmid, shutdown, cancellationToken)),
            OperationType.Migrate => (Reasons.Migrating, $"migrating CT {vmid} from {send.Node} to {send.Target}{(send.Running ? " (restart mode: containers cannot live-migrate)" : "")}",
                () => client.MigrateContainerAsync(send.Node, vmid, send.Target!, restart: send.Running, timeoutSeconds: send.Running ? shutdown : null, cancellationToken)),
            _ => throw new ArgumentException($"{send.Type} is not a configuration operation", nameof(send)),
        };

        var operation = new OperationStatus
        {
            Type = send.Type, StartedAt = work.Now.UtcDateTime, Generation = f.Generation, Node = send.Node, Disk = send.Resize?.Disk, Target = send.Target,
        };
        // Recorded before the request (OperationRecording): a restarted operator resumes the task instead of sending a second migration.
        var sent = await OperationSender.SendAsync(f, work, statusWriter, operation, reason, message, request,
            () =>
            {
                if (usesSlot)
                {
                    connection.ActionSlots.Release(key);
                }
            }, cancellationToken);
        await events.NormalAsync(work.Container, reason, message, cancellationToken);
        return sent;
    }
}
