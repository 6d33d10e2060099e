using PveOperator.Entities;
using PveOperator.Runtime;

namespace PveOperator.Controllers;

/// <summary>The LxcContainer cache's indexes: by provider, and by (provider, VMID) for snapshot changes and claims.</summary>
internal static class ContainerIndexes
{
    public const string ByProvider = "provider";
    public const string ByProviderAndVmid = "provider-vmid";

    public static void AddTo(IEntityCache<V1Alpha1LxcContainer> cache)
    {
        cache.AddIndex(ByProvider, c => [c.Spec.ProviderRef.Name]);
        cache.AddIndex(ByProviderAndVmid, c => c.Vmid is { } vmid ? [ContainerClaims.IndexKey(c.Spec.ProviderRef.Name, vmid)] : []);
    }
}
