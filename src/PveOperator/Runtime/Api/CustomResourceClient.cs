using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary><see cref="IEntityClient{TEntity}"/> for custom resources, through the CustomObjects API.</summary>
internal sealed class CustomResourceClient<TEntity>(IKubernetes client) : IEntityClient<TEntity>
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly EntityMetadata metadata = EntityMetadata.For<TEntity>();

    public async Task<TEntity?> GetAsync(string? @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            if (metadata.IsNamespaced)
            {
                using var namespaced = await client.CustomObjects.GetNamespacedCustomObjectWithHttpMessagesAsync<TEntity>(
                    metadata.Group, metadata.Version, RequireNamespace(@namespace), metadata.Plural, name,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                return namespaced.Body;
            }

            using var clusterScoped = await client.CustomObjects.GetClusterCustomObjectWithHttpMessagesAsync<TEntity>(
                metadata.Group, metadata.Version, metadata.Plural, name, cancellationToken: cancellationToken).ConfigureAwait(false);
            return clusterScoped.Body;
        }
        catch (Exception exception) when (ApiErrors.IsNotFound(exception))
        {
            return null;
        }
    }

    public async Task<TEntity> PatchAsync(TEntity entity, JsonNode mergePatch, CancellationToken cancellationToken)
    {
        var patch = new V1Patch(mergePatch.ToJsonString(), V1Patch.PatchType.MergePatch);
        var (@namespace, name) = Address(entity);
        if (metadata.IsNamespaced)
        {
            using var namespaced = await client.CustomObjects.PatchNamespacedCustomObjectWithHttpMessagesAsync<TEntity>(
                patch, metadata.Group, metadata.Version, RequireNamespace(@namespace), metadata.Plural, name,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return namespaced.Body;
        }

        using var clusterScoped = await client.CustomObjects.PatchClusterCustomObjectWithHttpMessagesAsync<TEntity>(
            patch, metadata.Group, metadata.Version, metadata.Plural, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        return clusterScoped.Body;
    }

    public async Task<TEntity> PatchStatusAsync(TEntity entity, JsonNode mergePatch, CancellationToken cancellationToken)
    {
        var patch = new V1Patch(mergePatch.ToJsonString(), V1Patch.PatchType.MergePatch);
        var (@namespace, name) = Address(entity);
        if (metadata.IsNamespaced)
        {
            using var namespaced = await client.CustomObjects.PatchNamespacedCustomObjectStatusWithHttpMessagesAsync<TEntity>(
                patch, metadata.Group, metadata.Version, RequireNamespace(@namespace), metadata.Plural, name,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return namespaced.Body;
        }

        using var clusterScoped = await client.CustomObjects.PatchClusterCustomObjectStatusWithHttpMessagesAsync<TEntity>(
            patch, metadata.Group, metadata.Version, metadata.Plural, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        return clusterScoped.Body;
    }

    private static (string? Namespace, string Name) Address(TEntity entity) =>
        (entity.Metadata?.NamespaceProperty,
         entity.Metadata?.Name ?? throw new ArgumentException("The object has no metadata.name.", nameof(entity)));

    private string RequireNamespace(string? @namespace) =>
        string.IsNullOrEmpty(@namespace)
            ? throw new ArgumentException($"{metadata.Kind} is namespaced: a namespace is required.", nameof(@namespace))
            : @namespace;
}
