using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>
/// Read access to an informer's in-memory copy of one kind (client-go's <c>Indexer</c>). The objects
/// are shared: treat them as read-only. It may lag the API server, and the operator's own writes: the controller loop
/// reconciles from it through <see cref="OwnWrites{TEntity}"/>, which covers the latter.
/// </summary>
internal interface IEntityCache<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    int Count { get; }

    /// <summary>The object with this key ("namespace/name" or "name"), or null.</summary>
    TEntity? Get(string key);

    IReadOnlyList<TEntity> List();

    IReadOnlyList<string> Keys();

    /// <summary>Objects whose index function returned <paramref name="indexValue"/>.</summary>
    IReadOnlyList<TEntity> ByIndex(string indexName, string indexValue);

    /// <summary>Keys of the objects whose index function returned <paramref name="indexValue"/>.</summary>
    IReadOnlyList<string> KeysByIndex(string indexName, string indexValue);

    /// <summary>
    /// Adds an index, e.g. "secret" → the keys of the Secrets a provider references. Existing objects
    /// are indexed at once.
    /// </summary>
    void AddIndex(string indexName, Func<TEntity, IEnumerable<string>> indexFunction);
}
