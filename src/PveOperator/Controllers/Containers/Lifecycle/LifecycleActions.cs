using System.Globalization;
using System.Text;
using PveOperator.Entities;
using PveOperator.Proxmox;
using PveOperator.Runtime;

namespace PveOperator.Controllers;

/// <summary>
/// Carries out the lifecycle steps (allocate, place, read config and templates, create, clone, destroy, mark) and
/// returns the facts they add. Like <see cref="ContainerActions"/> it decides nothing; failed PVE requests propagate
/// to it and become facts there.
/// </summary>
/// <param name="claimedByAnother">Whether another LxcContainer of the provider already names the VMID (spec or status).</param>
internal sealed class LifecycleActions(
    IStatusWriter<V1Alpha1LxcContainer> statusWriter,
    IEventRecorder events,
    ISecretReader? secrets,
    Func<string, int, string, bool> claimedByAnother)
{
    public async Task<ContainerFacts?> RunAsync(
        ContainerStep step, ContainerFacts f, ContainerReconcile work, ProviderConnection connection, CancellationToken cancellationToken)
    {
        var client = connection.Client;
        switch (step)
        {
            case ContainerStep.AllocateVmid:
                return await AllocateAsync(f, work, connection, cancellationToken);
            case ContainerStep.ReadConfig read:
            {
                var config = ContainerConfigFacts.From(await client.GetContainerConfigAsync(read.Node, f.KnownVmid, cancellationToken));
                var verified = config.Owner is { } owner && owner.SameResource(f.Mark);
                return f with { Config = config, History = verified ? f.History with { MarkVerified = true } : f.History };
            }

            case ContainerStep.ReadCloneSource read:
                return f with { Source = ContainerConfigFacts.From(await client.GetContainerConfigAsync(read.Node, read.Vmid, cancellationToken)) };
            case ContainerStep.PlaceNode:
            {
                if (!connection.Placements.IsFresh(work.Now))
                {
                    connection.Placements.Update(await client.GetNodesAsync(cancellationToken), work.Now);
                }

                var placed = connection.Placements.Place(f.Provider.NodeNames.Count == 0 ? null : f.Provider.NodeNames) ?? "";
                return f with { PlacedNode = placed, History = placed.Length == 0 ? f.History : f.History with { PlacedOn = placed } };
            }

            case ContainerStep.ListTemplates list:
            {
                var volumes = await client.GetStorageContentAsync(list.Node, list.Storage, "vztmpl", cancellationToken);
                return f with { Templates = volumes.Select(v => v.VolumeId).ToList() };
            }

            case ContainerStep.ReadRootPassword:
                return await ReadPasswordAsync(f, cancellationToken);
            case ContainerStep.SendCreate create:
                return await SendCreateAsync(create, f, work, connection, cancellationToken);
            case ContainerStep.SendClone clone:
                return await SendCloneAsync(clone, f, work, connection, cancellationToken);
            case ContainerStep.SendDestroy destroy:
                return await SendDestroyAsync(destroy, f, work, connection, cancellationToken);
            case ContainerStep.WriteOwnerMark mark:
            {
                var config = f.Config!;
                var description = f.Mark.MarkIn(config.Description);
                await client.UpdateContainerConfigAsync(mark.Node, f.KnownVmid, new Dictionary<string, string> { ["description"] = description },
                    digest: config.Digest, cancellationToken: cancellationToken);
                await events.NormalAsync(work.Container, "Adopted",
                    $"CT {f.Vmid} now carries this resource's owner mark in its notes (deletionPolicy Delete destroys only marked containers)", cancellationToken);
                return f with { Config = config with { Owner = f.Mark, Description = description, Digest = null }, History = f.History with { MarkVerified = true } };
            }

            default:
                return null;
        }
    }

    /// <summary>The event for a create or clone that ended well; the destroy's is the deletion's last step.</summary>
    public async Task SettledAsync(OperationStatus operation, TaskObservation outcome, ContainerReconcile work, CancellationToken cancellationToken)
    {
        if (outcome is not TaskObservation.Ended { Succeeded: true })
        {
            return;
        }

        var create = work.Container.Spec.Create;
        var vmid = work.Status.Vmid ?? work.Container.Spec.Vmid;
        var node = operation.Node ?? "?";
        switch (operation.Type)
        {
            case OperationType.Create:
                await events.NormalAsync(work.Container, Reasons.Created, $"created CT {vmid} on {node} from {create?.Template}", cancellationToken);
                break;
            case OperationType.Clone:
                var kind = create?.Clone?.Full switch { true => "full", false => "linked", null => "" };
                await events.NormalAsync(work.Container, Reasons.Cloned,
                    $"cloned CT {create?.Clone?.Vmid} to CT {vmid} on {node}{(kind.Length > 0 ? $" ({kind} clone)" : "")}", cancellationToken);
                break;
        }
    }

    private async Task<ContainerFacts> AllocateAsync(ContainerFacts f, ContainerReconcile work, ProviderConnection connection, CancellationToken cancellationToken)
    {
        var uid = work.Container.Metadata.Uid ?? EntityKey.Of(work.Container);
        var provider = f.Provider.Name;
        var snapshot = connection.Snapshot;
        if (work.Status.Vmid is { } previous)
        {
            connection.VmidReservations.TryRemove(new KeyValuePair<int, string>(previous, uid));
        }

        bool Taken(int id) =>
            f.History.TakenVmids.Contains(id)
            || snapshot?.Find(id) is not null
            || (connection.VmidReservations.TryGetValue(id, out var holder) && holder != uid)
            || claimedByAnother(provider, id, uid);

        int? vmid;
        if (f.Provider.VmidRange is { } range)
        {
            vmid = VmidAllocator.LowestFree(range.Min, range.Max, Taken);
        }
        else
        {
            // PVE's lowest free id; nothing is reserved there, so ids this operator has handed out meanwhile are skipped here.
            var next = await connection.Client.GetNextVmidAsync(cancellationToken: cancellationToken);
            vmid = VmidAllocator.LowestFree(next, VmidAllocator.PveHighest, Taken);
        }

        if (vmid is not { } allocated)
        {
            return f with { VmidRangeExhausted = true, Error = null, FailedStep = null };
        }

        while (!connection.VmidReservations.TryAdd(allocated, uid))
        {
            // Another reconcile took it between the check and now.
            if (VmidAllocator.LowestFree(allocated + 1, f.Provider.VmidRange?.Max ?? VmidAllocator.PveHighest, Taken) is not { } following)
            {
                return f with { VmidRangeExhausted = true, Error = null, FailedStep = null };
            }

            allocated = following;
        }

        work.Status.Vmid = allocated;
        work.Status.Provider ??= f.Spec.ProviderRef.Name;
        return f with { Entry = snapshot?.Find(allocated), Error = null, FailedStep = null, Config = null };
    }

    private async Task<ContainerFacts> ReadPasswordAsync(ContainerFacts f, CancellationToken cancellationToken)
    {
        var reference = f.Spec.Create!.RootPasswordSecretRef!;
        var ns = f.Container.Metadata.NamespaceProperty ?? "default";
        var key = reference.Key ?? "password";
        if (secrets is null)
        {
            return f with { SecretProblem = "this operator cannot read Secrets" };
        }

        try
        {
            var data = await secrets.ReadAsync(ns, reference.Name, cancellationToken);
            if (data is null)
            {
                return f with { SecretProblem = $"Secret {ns}/{reference.Name} (spec.create.rootPasswordSecretRef) not found: create it with the root password under key {key}" };
            }

            if (!data.TryGetValue(key, out var bytes) || bytes.Length == 0)
            {
                return f with { SecretProblem = $"Secret {ns}/{reference.Name} has no key {key} (spec.create.rootPasswordSecretRef.key)" };
            }

            var password = Encoding.UTF8.GetString(bytes).TrimEnd('\r', '\n');
            return password.Length < 5
                ? f with { SecretProblem = $"the root password in Secret {ns}/{reference.Name} key {key} is shorter than PVE's minimum of 5 characters" }
                : f with { RootPassword = new PveSecret(password) };
        }
        catch (Exception error) when (error is SecretNotAllowedException or UnauthorizedAccessException)
        {
            return f with { SecretProblem = error.Message };
        }
    }

    private async Task<ContainerFacts> SendCreateAsync(ContainerStep.SendCreate create, ContainerFacts f, ContainerReconcile work, ProviderConnection connection, CancellationToken cancellationToken)
    {
        var key = EntityKey.Of(work.Container);
        if (!connection.StorageSlots.TryAcquire(create.Storage, key))
        {
            return f with { StorageSlotFree = false };
        }

        var spec = f.Spec.Create!;
        var vmid = f.KnownVmid;
        var request = new PveContainerCreateRequest
        {
            Vmid = vmid,
            OsTemplate = spec.Template!,
            RootFs = $"{create.Storage}:{CreateConfig.RootfsGibibytes(f.Spec)}",
            Hostname = f.Spec.Hostname ?? Hostname(work.Container),
            Unprivileged = spec.Unprivileged ?? true,
            Password = f.RootPassword,
            SshPublicKeys = spec.SshPublicKeys is { Count: > 0 } keys ? string.Join('\n', keys) : null,
            Config = CreateConfig.For(f.Spec, f.Mark),
        };
        return await SendAsync(f, work, connection.StorageSlots, OperationType.Create, create.Node, create.Storage, Reasons.Creating,
            $"creating CT {vmid} on {create.Node} from {spec.Template}",
            () => connection.Client.CreateContainerAsync(create.Node, request, cancellationToken), cancellationToken);
    }

    private async Task<ContainerFacts> SendCloneAsync(ContainerStep.SendClone clone, ContainerFacts f, ContainerReconcile work, ProviderConnection connection, CancellationToken cancellationToken)
    {
        var key = EntityKey.Of(work.Container);
        var line = clone.SourceVmid.ToString(CultureInfo.InvariantCulture);
        if (!connection.CloneSourceSlots.TryAcquire(line, key))
        {
            return f with { StorageSlotFree = false };
        }

        var spec = f.Spec.Create!;
        var vmid = f.KnownVmid;
        var request = new PveContainerCloneRequest
        {
            NewVmid = vmid,
            Hostname = f.Spec.Hostname ?? Hostname(work.Container),
            Description = f.Mark.MarkIn(f.Spec.Description ?? f.Source?.Description),
            Full = spec.Clone!.Full,
            Storage = spec.Clone.Full == false ? null : spec.Storage,
            Target = clone.Node == clone.SourceNode ? null : clone.Node,
        };
        return await SendAsync(f, work, connection.CloneSourceSlots, OperationType.Clone, clone.Node, clone.Storage, Reasons.Cloning,
            $"cloning CT {clone.SourceVmid} to CT {vmid} on {clone.Node}",
            () => connection.Client.CloneContainerAsync(clone.SourceNode, clone.SourceVmid, request, cancellationToken), cancellationToken);
    }

    private async Task<ContainerFacts> SendDestroyAsync(ContainerStep.SendDestroy destroy, ContainerFacts f, ContainerReconcile work, ProviderConnection connection, CancellationToken cancellationToken)
    {
        var key = EntityKey.Of(work.Container);
        if (!connection.StorageSlots.TryAcquire(destroy.Storage, key))
        {
            return f with { StorageSlotFree = false };
        }

        var vmid = f.KnownVmid;
        return await SendAsync(f, work, connection.StorageSlots, OperationType.Destroy, destroy.Node, destroy.Storage, Reasons.Destroying,
            $"destroying CT {vmid} on {destroy.Node} with its disks",
            () => connection.Client.DestroyContainerAsync(destroy.Node, vmid, purge: true, destroyUnreferencedDisks: true, cancellationToken: cancellationToken),
            cancellationToken);
    }

    /// <summary>
    /// Records VMID and operation in status before the request (a create whose answer is lost must not be forgotten),
    /// sends it, and records the UPID.
    /// </summary>
    private async Task<ContainerFacts> SendAsync(
        ContainerFacts f, ContainerReconcile work, NodeActionSlots slots, OperationType type, string node, string storage,
        string reason, string message, Func<Task<Upid>> send, CancellationToken cancellationToken)
    {
        var key = EntityKey.Of(work.Container);
        var operation = new OperationStatus { Type = type, StartedAt = work.Now.UtcDateTime, Generation = f.Generation, Node = node, Storage = storage };
        if (type is OperationType.Create or OperationType.Clone)
        {
            // Kept to tell a later change of spec.create on servers without CEL (the CRD makes it immutable elsewhere).
            work.Status.CreatedWith = StatusCopy.Of(f.Spec.Create);
        }

        return await OperationSender.SendAsync(f, work, statusWriter, operation, reason, message, send, () => slots.Release(key), cancellationToken);
    }

    /// <summary>The resource's name as the container's hostname, cut to PVE's dns-name form.</summary>
    private static string Hostname(V1Alpha1LxcContainer container)
    {
        var name = container.Metadata.Name ?? "ct";
        return name.Length <= 63 ? name : name[..63].TrimEnd('-', '.');
    }
}
