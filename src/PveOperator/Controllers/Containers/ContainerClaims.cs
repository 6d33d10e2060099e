using PveOperator.Entities;
using PveOperator.Runtime;

namespace PveOperator.Controllers;

/// <summary>
/// One LxcContainer per (provider, VMID): two resources driving one container to different states would fight over it
/// forever. The resource that already holds the claim keeps it; between unclaimed ones the oldest wins
/// (creationTimestamp, then namespace/name). Decided from the resources alone, so a restarted operator or a new leader
/// decides the same.
/// </summary>
internal static class ContainerClaims
{
    /// <summary>The key of the resource that holds the claim among <paramref name="claimants"/> (all naming one provider and VMID).</summary>
    public static string? Holder(IEnumerable<V1Alpha1LxcContainer> claimants) =>
        claimants
            .OrderByDescending(HoldsClaim)
            .ThenBy(c => c.Metadata.CreationTimestamp ?? DateTime.MaxValue)
            .ThenBy(EntityKey.Of, StringComparer.Ordinal)
            .Select(EntityKey.Of)
            .FirstOrDefault();

    /// <summary>
    /// Whether the resource has acted as the container's manager: it has reported on it with a reason other than
    /// Conflict, or has an operation pending.
    /// </summary>
    public static bool HoldsClaim(V1Alpha1LxcContainer container) =>
        container.Status?.Operation is not null
        || container.Status?.PendingTask is not null
        || ConditionList.Find(container.Status?.Conditions, ConditionTypes.Ready) is { } ready && ready.Reason != Reasons.Conflict;

    /// <summary>The key under which claimants of one container are indexed.</summary>
    public static string IndexKey(string provider, int vmid) => $"{provider}/{vmid}";
}
