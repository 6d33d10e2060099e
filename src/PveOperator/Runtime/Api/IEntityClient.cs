using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>The few API calls the controller loop and status writer make for one kind.</summary>
internal interface IEntityClient<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>A fresh read from the API server; null when the object does not exist.</summary>
    Task<TEntity?> GetAsync(string? @namespace, string name, CancellationToken cancellationToken);

    /// <summary>A JSON merge patch (RFC 7386) of the object; returns the object as stored.</summary>
    Task<TEntity> PatchAsync(TEntity entity, JsonNode mergePatch, CancellationToken cancellationToken);

    /// <summary>A JSON merge patch through the /status subresource; returns the object as stored.</summary>
    Task<TEntity> PatchStatusAsync(TEntity entity, JsonNode mergePatch, CancellationToken cancellationToken);
}
