using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>
/// Which changes of a primary object are worth a reconcile, as controller-runtime's GenerationChangedPredicate:
/// a controller's own status writes must not wake it again, or a status that records a sync time would loop.
/// </summary>
internal static class ChangePredicate
{
    public static bool IsRelevant<TEntity>(EntityEvent<TEntity> change)
        where TEntity : IKubernetesObject<V1ObjectMeta>
    {
        if (change.Type != EntityEventType.Modified || change.Previous is null)
        {
            return true;
        }

        var now = change.Entity.Metadata;
        var before = change.Previous.Metadata;
        return now.Generation != before.Generation
            || now.DeletionTimestamp != before.DeletionTimestamp
            || !SameItems(now.Finalizers, before.Finalizers)
            || !SameMap(now.Labels, before.Labels)
            || !SameMap(now.Annotations, before.Annotations);
    }

    private static bool SameItems(IList<string>? a, IList<string>? b) =>
        (a ?? []).SequenceEqual(b ?? [], StringComparer.Ordinal);

    private static bool SameMap(IDictionary<string, string>? a, IDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0)
        && (a ?? new Dictionary<string, string>()).All(pair => b is not null && b.TryGetValue(pair.Key, out var value) && value == pair.Value);
}
