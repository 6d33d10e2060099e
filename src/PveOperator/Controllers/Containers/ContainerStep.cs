using PveOperator.Entities;
using PveOperator.Proxmox;

namespace PveOperator.Controllers;

/// <summary>
/// The one next step the planner chose. Observation steps (read the task, the live status, the addresses; check for an
/// action slot) gather a fact and plan again; <see cref="SettleOperation"/> closes the pending operation and plans again;
/// the others end the reconcile.
/// </summary>
internal abstract record ContainerStep
{
    private ContainerStep()
    {
    }

    /// <summary>The history to keep from this step on; null keeps it as it is.</summary>
    public ContainerHistory? History { get; init; }

    /// <summary>Poll the pending operation's task on the UPID's node.</summary>
    public sealed record PollTask(Upid Upid) : ContainerStep;

    /// <summary>The task ended, vanished or cannot be polled: clear the operation and free its action slot.</summary>
    public sealed record SettleOperation(TaskObservation Outcome) : ContainerStep;

    /// <summary>Confirm the power state with status/current: the snapshot disagrees, lags behind our last action, or was never confirmed.</summary>
    public sealed record ReadLiveStatus(string Node) : ContainerStep;

    /// <summary>The snapshot agrees with the desired state and is trusted: take it as the live state, at no PVE cost.</summary>
    public sealed record AdoptSnapshot(string Node) : ContainerStep;

    /// <summary>Ask the node's action slots whether this resource could act now (joining the line if not).</summary>
    public sealed record CheckSlot(string Node) : ContainerStep;

    /// <summary>Read the netN config once after a start: which interfaces wait for DHCP or SLAAC.</summary>
    public sealed record ReadNetworkConfig(string Node) : ContainerStep;

    /// <summary>Read the container's interfaces and addresses.</summary>
    public sealed record ReadAddresses(string Node) : ContainerStep;

    /// <summary>Take an action slot, record the operation in status, and send the power action.</summary>
    public sealed record SendPowerAction(string Node, OperationType Type) : ContainerStep;

    /// <summary>Pick the VMID of a container created without spec.vmid and record it in status (written with the create).</summary>
    public sealed record AllocateVmid : ContainerStep;

    /// <summary>Read the container's config: its owner mark, protection and root storage.</summary>
    public sealed record ReadConfig(string Node) : ContainerStep;

    /// <summary>Find the clone source in the snapshot and read its config (template or not, root storage).</summary>
    public sealed record ReadCloneSource(string Node, int Vmid) : ContainerStep;

    /// <summary>Choose the node for a create without spec.node (node figures read at most every 15 s per provider).</summary>
    public sealed record PlaceNode : ContainerStep;

    /// <summary>List the vztmpl volumes of the template's storage.</summary>
    public sealed record ListTemplates(string Node, string Storage) : ContainerStep;

    /// <summary>Read the root password from create.rootPasswordSecretRef.</summary>
    public sealed record ReadRootPassword : ContainerStep;

    /// <summary>Ask the storage's allocation slots whether this resource could create, clone or destroy now.</summary>
    public sealed record CheckStorageSlot(string Storage) : ContainerStep;

    /// <summary>Take a storage slot, record VMID and operation in status, and POST the create.</summary>
    public sealed record SendCreate(string Node, string Storage) : ContainerStep;

    /// <summary>Take a storage slot, record VMID and operation in status, and POST the clone on the source's node.</summary>
    public sealed record SendClone(string SourceNode, int SourceVmid, string Node, string Storage) : ContainerStep;

    /// <summary>Take a storage slot, record the operation, and DELETE the container with purge and its disks.</summary>
    public sealed record SendDestroy(string Node, string Storage) : ContainerStep;

    /// <summary>Write this resource's owner mark into the adopted container's description (PUT config with the digest read).</summary>
    public sealed record WriteOwnerMark(string Node) : ContainerStep;

    /// <summary>Read the container's whole config with GET .../pending: values, pending keys and digest in one call.</summary>
    public sealed record ReadConfiguration(string Node) : ContainerStep;

    /// <summary>One PUT .../config with the digest read: the keys to set and to delete.</summary>
    public sealed record WriteConfiguration(string Node, ConfigChange Change, string? Digest) : ContainerStep;

    /// <summary>Record and send a resize (<paramref name="Resize"/>), a restart (reboot) or a migration to <paramref name="Target"/>.</summary>
    public sealed record SendConfigOperation(string Node, OperationType Type, DiskResize? Resize = null, string? Target = null, bool Running = false) : ContainerStep;

    /// <summary>The resource is paused: set Paused=True, change nothing else, and look again after <paramref name="Requeue"/>.</summary>
    public sealed record Pause(TimeSpan Requeue) : ContainerStep;

    /// <summary>Report a condition (status written if changed) and come back after <paramref name="Requeue"/>.</summary>
    /// <param name="Converged">The container is in its desired power state: any action slot held passes on.</param>
    /// <param name="Outcome">The condition to set; null leaves the conditions as they are.</param>
    public sealed record Report(ContainerOutcome? Outcome, TimeSpan Requeue, bool Converged = false) : ContainerStep
    {
        /// <summary>Give back the action slot although the task still runs (it has outlived the slot hold limit).</summary>
        public bool ReleasesSlot { get; init; }

        /// <summary>Drop everything observed in PVE from the status (node, state, addresses, operation).</summary>
        public bool ForgetsObserved { get; init; }

        /// <summary>The configuration's conditions and drift to write; null leaves them as they are.</summary>
        public SyncOutcome? Sync { get; init; }
    }

    /// <summary>Leave the status exactly as it is (not even observedGeneration moves) and come back later.</summary>
    public sealed record KeepStatus(TimeSpan Requeue) : ContainerStep;

    /// <summary>The deletion's work is done: forget the resource and let the finalizer go, recording <paramref name="Event"/>.</summary>
    public sealed record Finish(ContainerEvent? Event) : ContainerStep;

    /// <summary>Whether the step gathers a fact, closes bookkeeping or acts, after which the planner decides again.</summary>
    public bool PlansAgain => this is not (Report or KeepStatus or Finish or Pause);
}
