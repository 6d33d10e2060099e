namespace PveOperator.Controllers;

/// <summary>Wakes the LxcContainer controller for the containers a provider sync affects.</summary>
public interface IContainerNotifier
{
    /// <summary>Every container of the provider (its readiness changed, or it went away).</summary>
    void ProviderChanged(string providerName);

    /// <summary>The containers with these VMIDs in the provider (their entry in the cluster snapshot changed).</summary>
    void ContainersChanged(string providerName, IReadOnlyCollection<int> vmids);

    /// <summary>One container by its key (namespace/name), e.g. because the action slot it waits for is free.</summary>
    void Wake(string key)
    {
    }
}
