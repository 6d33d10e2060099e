using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>Writes an object's status through the /status subresource.</summary>
internal interface IStatusWriter<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>
    /// Sends <c>{"status": status}</c> as a JSON merge patch: lists are replaced whole, and fields the
    /// new status dropped (compared with <paramref name="entity"/>'s) are removed. Returns the stored object.
    /// </summary>
    Task<TEntity> PatchStatusAsync(TEntity entity, object? status, CancellationToken cancellationToken);

    /// <summary>
    /// Like <see cref="PatchStatusAsync"/>, but only when the serialized status differs from the one
    /// <paramref name="entity"/> carries; returns whether it wrote. Build the new status as a new object:
    /// mutating <paramref name="entity"/>'s own status in place makes both sides equal and nothing is written.
    /// </summary>
    Task<bool> PatchStatusIfChangedAsync(TEntity entity, object? status, CancellationToken cancellationToken);
}
