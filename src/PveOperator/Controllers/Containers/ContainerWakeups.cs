using PveOperator.Entities;
using PveOperator.Runtime;

namespace PveOperator.Controllers;

/// <summary>Which LxcContainers to reconcile for a signal or a change of another LxcContainer, through the cache's indexes.</summary>
internal static class ContainerWakeups
{
    public static IEnumerable<ReconcileRequest> For(ContainerSignal signal, IEntityCache<V1Alpha1LxcContainer> cache) => signal switch
    {
        // Every container of the provider, or each of a first sync: bulk work, behind task polls and spec changes.
        ContainerSignal.ProviderChanged changed =>
            cache.KeysByIndex(ContainerIndexes.ByProvider, changed.Provider).Select(key => new ReconcileRequest(key, Bulk: true)),
        ContainerSignal.ContainersChanged changed => changed.Vmids
            .SelectMany(vmid => cache.KeysByIndex(ContainerIndexes.ByProviderAndVmid, ContainerClaims.IndexKey(changed.Provider, vmid)))
            .Select(key => new ReconcileRequest(key, Bulk: true)),
        ContainerSignal.SlotFreed freed => [new ReconcileRequest(freed.Key)],
        _ => [],
    };

    /// <summary>
    /// When a resource goes away or stops naming a container, the other resources that claim that container may take it
    /// over: reconcile them.
    /// </summary>
    public static IEnumerable<string> ForClaimants(EntityEvent<V1Alpha1LxcContainer> change, IEntityCache<V1Alpha1LxcContainer> cache)
    {
        var released = change switch
        {
            { Type: EntityEventType.Deleted } => change.Entity,
            { Type: EntityEventType.Modified, Previous: { } previous } when previous.Vmid != change.Entity.Vmid
                || previous.Spec.ProviderRef.Name != change.Entity.Spec.ProviderRef.Name => previous,
            _ => null,
        };
        if (released?.Vmid is not { } vmid)
        {
            return [];
        }

        var self = EntityKey.Of(change.Entity);
        return cache.KeysByIndex(ContainerIndexes.ByProviderAndVmid, ContainerClaims.IndexKey(released.Spec.ProviderRef.Name, vmid))
            .Where(key => key != self);
    }
}
