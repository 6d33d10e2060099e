using System.Collections.Concurrent;
using PveOperator.Proxmox;

namespace PveOperator.Controllers;

/// <summary>
/// What the operator holds for one ProxmoxProvider: its PVE client and node pool, the latest cluster snapshot,
/// whether it is usable, and the per-container bookkeeping that must outlive a single reconcile.
/// </summary>
public sealed class ProviderConnection(
    string providerName, IPveClient? client, PveClientSettings? settings, int maxActionsPerNode, Action<string>? wakeContainer = null) : IDisposable
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
    public NodeActionSlots ActionSlots { get; } = new(maxActionsPerNode, wakeContainer);
    public ConcurrentDictionary<int, ContainerMemory> Containers { get; } = new();
    /// <summary>How long this cluster's tasks take, for polling them when they should be done.</summary>
    public TaskTimings TaskTimings { get; } = new();

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

    public ContainerMemory MemoryOf(int vmid) => Containers.GetOrAdd(vmid, _ => new ContainerMemory());

    public void Dispose() => client?.Dispose();
}
