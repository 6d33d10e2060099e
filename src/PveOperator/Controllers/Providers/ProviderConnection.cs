using System.Collections.Concurrent;
using PveOperator.Proxmox;

namespace PveOperator.Controllers;

/// <summary>
/// What the operator holds for one ProxmoxProvider: its PVE client and node pool, the latest cluster snapshot,
/// whether it is usable, and the per-container bookkeeping that must outlive a single reconcile.
/// </summary>
/// <param name="wakeContainer">Called with a container key when a freed action slot lets that container act.</param>
/// <param name="predecessor">The connection this one replaces (a rotated token, say): its action slots, per-container
/// histories and task timings carry over, so in-flight tasks stay counted and backoffs stay in force.</param>
internal sealed class ProviderConnection(
    string providerName,
    IPveClient? client,
    PveClientSettings? settings,
    int maxActionsPerNode,
    Action<string>? wakeContainer = null,
    int maxAllocationsPerStorage = ContainerControllerSettings.DefaultMaxAllocationsPerStorage,
    ProviderConnection? predecessor = null,
    TimeProvider? clock = null) : IDisposable
{
    private readonly PveNodePool noNodes = new();
    private volatile PveClusterSnapshot? snapshot;
    private volatile ProviderHealth health = ProviderHealth.Connecting;

    public string ProviderName { get; } = providerName;
    /// <summary>The PVE client; absent while the provider's spec or Secret is unusable.</summary>
    public IPveClient Client => client ?? throw new InvalidOperationException($"provider {ProviderName} has no PVE client: {health.Message}");
    public bool HasClient => client is not null;
    /// <summary>The settings the client was built from; different settings (a rotated secret, say) need a new client.</summary>
    public PveClientSettings? Settings { get; } = settings;
    public PveNodePool Nodes => client?.Nodes ?? noNodes;
    /// <summary>Per-node power-action slots; a freed slot wakes the next waiting container through <c>wakeContainer</c>.</summary>
    public NodeActionSlots ActionSlots { get; } = predecessor?.ActionSlots ?? new(maxActionsPerNode, wakeContainer, clock);
    /// <summary>Create, clone and destroy in flight per storage (PVE's allocation lock times out when too many wait for it).</summary>
    public NodeActionSlots StorageSlots { get; } = predecessor?.StorageSlots ?? new(maxAllocationsPerStorage, wakeContainer, clock);

    /// <summary>One clone at a time per source: PVE locks the source ("disk") for the whole clone.</summary>
    public NodeActionSlots CloneSourceSlots { get; } = predecessor?.CloneSourceSlots ?? new(1, wakeContainer, clock);

    /// <summary>VMIDs allocated to resources (by UID) that may not show in the snapshot yet: two creates never get one id.</summary>
    public ConcurrentDictionary<int, string> VmidReservations { get; } = predecessor?.VmidReservations ?? new();

    /// <summary>Node figures and recent placements for creates without spec.node.</summary>
    public PlacementBook Placements { get; } = predecessor?.Placements ?? new();

    /// <summary>Each LxcContainer's history, by resource UID: two resources never share one, even for one VMID.</summary>
    public ConcurrentDictionary<string, ContainerHistory> Histories { get; } = predecessor?.Histories ?? new(StringComparer.Ordinal);
    /// <summary>How long this cluster's tasks take, for polling them when they should be done.</summary>
    public TaskTimings TaskTimings { get; } = predecessor?.TaskTimings ?? new();

    public PveClusterSnapshot? Snapshot
    {
        get => snapshot;
        set => snapshot = value;
    }

    public ProviderHealth Health
    {
        get => health;
        set => health = value;
    }

    public bool IsReady => health.Ready;

    /// <summary>When PVE was last asked which privileges the credentials hold, and what it said was missing.</summary>
    public DateTimeOffset? PrivilegesCheckedAt { get; set; }

    public IReadOnlyList<RequiredPrivileges.Need>? MissingPrivileges { get; set; }

    /// <summary>Syncs of a connected provider that failed in a row (reset by a successful sync).</summary>
    public int FailedSyncsInARow { get; set; }

    /// <summary>Disposes the client; the action slots, shared with a successor, go with <see cref="ProviderRegistry.Remove"/>.</summary>
    public void Dispose() => client?.Dispose();
}
