namespace PveOperator.Controllers;

/// <summary>News from outside a container's own resource that may change what its reconcile decides.</summary>
internal abstract record ContainerSignal
{
    private ContainerSignal()
    {
    }

    /// <summary>Every container of the provider: its readiness or reason changed, or it went away.</summary>
    public sealed record ProviderChanged(string Provider) : ContainerSignal;

    /// <summary>The containers with these VMIDs: their entry in the provider's cluster snapshot changed.</summary>
    public sealed record ContainersChanged(string Provider, IReadOnlyCollection<int> Vmids) : ContainerSignal;

    /// <summary>One resource by key ("namespace/name"): the action slot it waits for is free.</summary>
    public sealed record SlotFreed(string Key) : ContainerSignal;
}
