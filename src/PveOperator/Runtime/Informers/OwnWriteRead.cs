using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>
/// What <see cref="OwnWrites{TEntity}.Read"/> hands a reconcile: the object to decide on (null: gone), whether it is
/// our own write's answer because the cache is behind it, or that the object must be read from the API server first.
/// The object is shared with the cache or the record: copy it before changing it.
/// </summary>
internal readonly record struct OwnWriteRead<TEntity>(TEntity? Entity, bool FromOwnWrite, bool NeedsFreshRead)
    where TEntity : IKubernetesObject<V1ObjectMeta>;
