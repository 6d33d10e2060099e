using PveOperator.Proxmox;

namespace PveOperator.Controllers;

/// <summary>What a container's reconcile knows of its provider: whether it exists, is connected and ready, and its nodes.</summary>
/// <param name="Exists">The ProxmoxProvider object exists and is not being deleted.</param>
/// <param name="Health">The connection's health; null when the operator holds no connection for the provider.</param>
internal sealed record ProviderFacts(string Name, bool Exists, ProviderHealth? Health)
{
    public bool Connected => Health is not null;

    public bool Ready => Health is { Ready: true };

    public IReadOnlySet<string> NodeNames { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The online nodes, as a message lists them.</summary>
    public string AvailableNodeNames { get; init; } = "";

    public int MaxActionsPerNode { get; init; } = 4;

    /// <summary>How long the provider's tasks take, to poll a pending one about when it should be done.</summary>
    public TaskTimings TaskTimings { get; init; } = new();

    /// <summary>The provider's spec.vmidRange, where VMIDs of created containers come from.</summary>
    public Entities.VmidRange? VmidRange { get; init; }

    /// <summary>How many resources the provider's containers have; the address refresh budget is spread over them.</summary>
    public int ContainerCount { get; init; }
}
