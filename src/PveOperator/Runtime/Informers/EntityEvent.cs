using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>
/// A change an informer saw, from the watch or made up from a re-list's differences.
/// <see cref="Entity"/> is the new state, or the last known state for a deletion;
/// <see cref="Previous"/> is the replaced state of a modification.
/// </summary>
internal sealed record EntityEvent<TEntity>(EntityEventType Type, TEntity Entity, TEntity? Previous = default)
    where TEntity : IKubernetesObject<V1ObjectMeta>;
