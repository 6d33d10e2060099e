using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>
/// How an informer lists and watches one kind (client-go's <c>ListerWatcher</c>). Implementations
/// exist for custom resources and for core kinds; tests can script one.
/// </summary>
internal interface IListWatch<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Lists every object (all pages) from a consistent read.</summary>
    Task<EntityListSnapshot<TEntity>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Streams changes after <paramref name="resourceVersion"/>, with bookmarks, until the server ends
    /// the watch (normal end) or it fails. Failures, including an error event inside the stream such
    /// as 410 Gone, are thrown, never swallowed.
    /// </summary>
    IAsyncEnumerable<EntityWatchEvent<TEntity>> WatchAsync(
        string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken);
}
