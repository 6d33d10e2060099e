using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>Ready-made list-watches for custom resources and for the core kinds the operator watches.</summary>
internal static class ListWatches
{
    /// <summary>
    /// Custom resources of <typeparamref name="TEntity"/> through the CustomObjects API: all of them
    /// for a cluster-scoped kind; for a namespaced kind, those in <paramref name="namespace"/>, or in
    /// every namespace when it is null.
    /// </summary>
    public static IListWatch<TEntity> CustomResources<TEntity>(
        IKubernetes client, string? @namespace = null, string? labelSelector = null)
        where TEntity : IKubernetesObject<V1ObjectMeta>
    {
        var metadata = EntityMetadata.For<TEntity>();
        var operations = client.CustomObjects;
        if (!metadata.IsNamespaced)
        {
            return new KubernetesListWatch<TEntity, EntityList<TEntity>>((request, cancellationToken) =>
                operations.ListClusterCustomObjectWithHttpMessagesAsync<EntityList<TEntity>>(
                    metadata.Group, metadata.Version, metadata.Plural,
                    allowWatchBookmarks: request.AllowWatchBookmarks, continueParameter: request.Continue,
                    labelSelector: labelSelector, limit: request.Limit, resourceVersion: request.ResourceVersion,
                    timeoutSeconds: request.TimeoutSeconds, watch: request.Watch, cancellationToken: cancellationToken));
        }

        if (@namespace is null)
        {
            return new KubernetesListWatch<TEntity, EntityList<TEntity>>((request, cancellationToken) =>
                operations.ListCustomObjectForAllNamespacesWithHttpMessagesAsync<EntityList<TEntity>>(
                    metadata.Group, metadata.Version, metadata.Plural,
                    allowWatchBookmarks: request.AllowWatchBookmarks, continueParameter: request.Continue,
                    labelSelector: labelSelector, limit: request.Limit, resourceVersion: request.ResourceVersion,
                    timeoutSeconds: request.TimeoutSeconds, watch: request.Watch, cancellationToken: cancellationToken));
        }

        return new KubernetesListWatch<TEntity, EntityList<TEntity>>((request, cancellationToken) =>
            operations.ListNamespacedCustomObjectWithHttpMessagesAsync<EntityList<TEntity>>(
                metadata.Group, metadata.Version, @namespace, metadata.Plural,
                allowWatchBookmarks: request.AllowWatchBookmarks, continueParameter: request.Continue,
                labelSelector: labelSelector, limit: request.Limit, resourceVersion: request.ResourceVersion,
                timeoutSeconds: request.TimeoutSeconds, watch: request.Watch, cancellationToken: cancellationToken));
    }

    /// <summary>Secrets in <paramref name="namespace"/>, or in every namespace when it is null.</summary>
    public static IListWatch<V1Secret> Secrets(IKubernetes client, string? @namespace = null, string? labelSelector = null)
    {
        var core = client.CoreV1;
        if (@namespace is null)
        {
            return new KubernetesListWatch<V1Secret, V1SecretList>((request, cancellationToken) =>
                core.ListSecretForAllNamespacesWithHttpMessagesAsync(
                    allowWatchBookmarks: request.AllowWatchBookmarks, continueParameter: request.Continue,
                    labelSelector: labelSelector, limit: request.Limit, resourceVersion: request.ResourceVersion,
                    timeoutSeconds: request.TimeoutSeconds, watch: request.Watch, cancellationToken: cancellationToken));
        }

        return new KubernetesListWatch<V1Secret, V1SecretList>((request, cancellationToken) =>
            core.ListNamespacedSecretWithHttpMessagesAsync(
                @namespace,
                allowWatchBookmarks: request.AllowWatchBookmarks, continueParameter: request.Continue,
                labelSelector: labelSelector, limit: request.Limit, resourceVersion: request.ResourceVersion,
                timeoutSeconds: request.TimeoutSeconds, watch: request.Watch, cancellationToken: cancellationToken));
    }

    /// <summary>Namespaces (cluster-scoped).</summary>
    public static IListWatch<V1Namespace> Namespaces(IKubernetes client, string? labelSelector = null)
    {
        var core = client.CoreV1;
        return new KubernetesListWatch<V1Namespace, V1NamespaceList>((request, cancellationToken) =>
            core.ListNamespaceWithHttpMessagesAsync(
                allowWatchBookmarks: request.AllowWatchBookmarks, continueParameter: request.Continue,
                labelSelector: labelSelector, limit: request.Limit, resourceVersion: request.ResourceVersion,
                timeoutSeconds: request.TimeoutSeconds, watch: request.Watch, cancellationToken: cancellationToken));
    }

    /// <summary>ConfigMaps in <paramref name="namespace"/>, or in every namespace when it is null.</summary>
    public static IListWatch<V1ConfigMap> ConfigMaps(IKubernetes client, string? @namespace = null, string? labelSelector = null)
    {
        var core = client.CoreV1;
        if (@namespace is null)
        {
            return new KubernetesListWatch<V1ConfigMap, V1ConfigMapList>((request, cancellationToken) =>
                core.ListConfigMapForAllNamespacesWithHttpMessagesAsync(
                    allowWatchBookmarks: request.AllowWatchBookmarks, continueParameter: request.Continue,
                    labelSelector: labelSelector, limit: request.Limit, resourceVersion: request.ResourceVersion,
                    timeoutSeconds: request.TimeoutSeconds, watch: request.Watch, cancellationToken: cancellationToken));
        }

        return new KubernetesListWatch<V1ConfigMap, V1ConfigMapList>((request, cancellationToken) =>
            core.ListNamespacedConfigMapWithHttpMessagesAsync(
                @namespace,
                allowWatchBookmarks: request.AllowWatchBookmarks, continueParameter: request.Continue,
                labelSelector: labelSelector, limit: request.Limit, resourceVersion: request.ResourceVersion,
                timeoutSeconds: request.TimeoutSeconds, watch: request.Watch, cancellationToken: cancellationToken));
    }
}
