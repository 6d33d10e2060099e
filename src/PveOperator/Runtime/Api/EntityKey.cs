using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>
/// Work-queue and cache keys in client-go's format: "namespace/name" for namespaced objects,
/// "name" for cluster-scoped ones.
/// </summary>
internal static class EntityKey
{
    public static string Create(string? @namespace, string name) =>
        string.IsNullOrEmpty(@namespace) ? name : $"{@namespace}/{name}";

    public static string Of(IKubernetesObject<V1ObjectMeta> entity) =>
        Create(entity.Metadata?.NamespaceProperty, entity.Metadata?.Name
            ?? throw new ArgumentException("The object has no metadata.name.", nameof(entity)));

    /// <summary>Splits a key back into namespace (null when cluster-scoped) and name.</summary>
    public static (string? Namespace, string Name) Split(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (null, key) : (key[..slash], key[(slash + 1)..]);
    }
}
