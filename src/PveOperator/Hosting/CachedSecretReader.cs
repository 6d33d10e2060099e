using k8s.Models;
using PveOperator.Controllers;
using PveOperator.Runtime;

namespace PveOperator.Hosting;

/// <summary>
/// Reads credentials from the informer's cache of labelled Secrets in the Secret namespace, so a provider's sync costs
/// the API server no GET; a Secret not in it (not labelled, elsewhere, not there) is read with a GET, which says why.
/// </summary>
internal sealed class CachedSecretReader(IEntityCache<V1Secret> credentials, ISecretReader fallback) : ISecretReader
{
    public Task<IReadOnlyDictionary<string, byte[]>?> ReadAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        credentials.Get(EntityKey.Create(@namespace, name)) is { } cached
            ? Task.FromResult<IReadOnlyDictionary<string, byte[]>?>(cached.Data is null ? new Dictionary<string, byte[]>() : new Dictionary<string, byte[]>(cached.Data))
            : fallback.ReadAsync(@namespace, name, cancellationToken);
}
