using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>Hands out one shared informer per kind, so that two controllers watching Secrets share one watch.</summary>
internal interface IInformerProvider
{
    /// <summary>
    /// The informer of <typeparamref name="TEntity"/>, created on first use from <paramref name="listWatch"/>
    /// or, when that is null, from the default list-watch of the kind.
    /// </summary>
    EntityInformer<TEntity> GetInformer<TEntity>(IListWatch<TEntity>? listWatch = null)
        where TEntity : class, IKubernetesObject<V1ObjectMeta>;
}
