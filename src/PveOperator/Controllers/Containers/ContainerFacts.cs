using PveOperator.Entities;
using PveOperator.Proxmox;

namespace PveOperator.Controllers;

/// <summary>
/// Everything the planner decides on: the resource, the status built so far, the provider, what PVE showed (snapshot
/// entry, task, live state, addresses), the resource's history, the clock and two random samples. The reconcile fills
/// in more facts as the planner asks for them.
/// </summary>
internal sealed record ContainerFacts
{
    public required V1Alpha1LxcContainer Container { get; init; }

    /// <summary>The status as this reconcile has built it so far (starts as a copy of the resource's status).</summary>
    public required LxcContainerStatus Status { get; init; }

    public required DateTimeOffset Now { get; init; }

    public required ProviderFacts Provider { get; init; }

    public ContainerHistory History { get; init; } = ContainerHistory.Empty;

    /// <summary>The resource is being deleted: its deletionPolicy decides, and the planner's last step releases the finalizer.</summary>
    public bool Deleting { get; init; }

    /// <summary>Why the provider refuses this resource's namespace (spec.allowedNamespaces); null when it admits it.</summary>
    public string? TenancyRefusal { get; init; }

    /// <summary>Another LxcContainer ("namespace/name") that holds this provider's VMID: this one must not touch it.</summary>
    public string? ClaimHolder { get; init; }

    /// <summary>The VMID's entry in the provider's latest cluster snapshot.</summary>
    public PveClusterResource? Entry { get; init; }

    /// <summary>What the pending operation's task showed, once polled.</summary>
    public TaskObservation? Task { get; init; }

    /// <summary>The operation that this reconcile closed (its task ended or vanished), for reporting how it went.</summary>
    public OperationStatus? Settled { get; init; }

    public LiveState? Live { get; init; }

    /// <summary>Whether the node has an action slot for this resource; null until asked.</summary>
    public bool? SlotFree { get; init; }

    /// <summary>This reconcile sent the pending operation's request: its task is polled when it should be done.</summary>
    public bool JustSent { get; init; }

    /// <summary>The interfaces were read in this reconcile.</summary>
    public bool AddressesRead { get; init; }

    /// <summary>A PVE request of this reconcile failed: the planner says what that means.</summary>
    public PveApiException? Error { get; init; }

    /// <summary>Which step's request failed.</summary>
    public ContainerStep? FailedStep { get; init; }

    /// <summary>When the snapshot <see cref="Entry"/> comes from was fetched: a container created after it is not in it yet.</summary>
    public DateTimeOffset SnapshotFetchedAt { get; init; }

    /// <summary>The container's config, read in this reconcile (ownership, protection, root storage).</summary>
    public ContainerConfigFacts? Config { get; init; }

    /// <summary>The clone source's snapshot entry and config, read in this reconcile.</summary>
    public PveClusterResource? SourceEntry { get; init; }

    public ContainerConfigFacts? Source { get; init; }

    /// <summary>The node chosen for a create without spec.node; empty when no node is online.</summary>
    public string? PlacedNode { get; init; }

    /// <summary>The vztmpl volumes of the template's storage, listed in this reconcile.</summary>
    public IReadOnlyList<string>? Templates { get; init; }

    /// <summary>The root password from create.rootPasswordSecretRef, once read.</summary>
    public PveSecret? RootPassword { get; init; }

    /// <summary>Why the root password could not be read (missing Secret or key, label, permission).</summary>
    public string? SecretProblem { get; init; }

    /// <summary>Whether the storage has room for one more create, clone or destroy for this resource; null until asked.</summary>
    public bool? StorageSlotFree { get; init; }

    /// <summary>No VMID was free in the provider's vmidRange.</summary>
    public bool VmidRangeExhausted { get; init; }

    /// <summary>The container's configuration as GET .../pending showed it in this reconcile.</summary>
    public ConfigObservation? ConfigRead { get; init; }

    /// <summary>This reconcile wrote the config already: a difference that remains is not written a second time.</summary>
    public bool ConfigWritten { get; init; }

    /// <summary>This resource's owner mark, as written into the container's description.</summary>
    public OwnerMark Mark => new(Container.Metadata.NamespaceProperty ?? "", Container.Metadata.Name ?? "", Container.Metadata.Uid ?? "");

    public ManagementPolicy Management => Spec.ManagementPolicy ?? ManagementPolicy.Full;

    public bool ObserveOnly => Management == ManagementPolicy.ObserveOnly;

    public DeletionPolicy Deletion => Spec.DeletionPolicy ?? DeletionPolicy.Orphan;

    /// <summary>Uniform samples in [0, 1): spreading and jitter, injected so that the planner stays deterministic.</summary>
    public double Spread { get; init; }

    public double Jitter { get; init; }

    public LxcContainerSpec Spec => Container.Spec;

    /// <summary>The container's VMID: the spec's, else the allocated one in the status being built; null before allocation.</summary>
    public int? Vmid => Spec.Vmid ?? Status.Vmid;

    /// <summary>The VMID where the planner has made sure there is one.</summary>
    public int KnownVmid => Vmid ?? throw new InvalidOperationException($"{EntityKeyText} has no VMID yet");

    private string EntityKeyText => $"{Container.Metadata.NamespaceProperty}/{Container.Metadata.Name}";

    public long Generation => Container.Metadata.Generation ?? 0;

    /// <summary>The power state to reach: the spec's, or Stopped while a resource with deletionPolicy Stop is deleted.</summary>
    public PowerState Desired => Deleting ? PowerState.Stopped : Spec.PowerState ?? PowerState.Running;

    public bool DesiredRunning => Desired == PowerState.Running;
}
