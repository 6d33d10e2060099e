using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>Deep copies of objects (client-go's DeepCopy): through KubernetesJson, which serves every entity type.</summary>
internal static class EntityCopy
{
    /// <summary>
    /// A copy the caller may change freely. Cached objects and recorded writes are shared; reconcilers change the object
    /// they are given (its status, as they build the next one).
    /// </summary>
    public static TEntity Of<TEntity>(TEntity entity)
        where TEntity : IKubernetesObject<V1ObjectMeta> =>
        KubernetesJson.Deserialize<TEntity>(KubernetesJson.Serialize(entity));
}
