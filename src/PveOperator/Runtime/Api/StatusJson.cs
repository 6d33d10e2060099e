using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>Status objects as the API server sees them: serialized with KubernetesJson.</summary>
internal static class StatusJson
{
    /// <summary>The entity's current <c>status</c>, whatever its C# type; null when it has none.</summary>
    public static JsonNode? Of(IKubernetesObject<V1ObjectMeta> entity) => ToNode(entity)?["status"];

    public static JsonNode? ToNode(object? value) =>
        value is null ? null : JsonNode.Parse(KubernetesJson.Serialize(value));

    /// <summary>Whether writing <paramref name="status"/> would change anything in the entity's status.</summary>
    public static bool HasChanged(IKubernetesObject<V1ObjectMeta> entity, object? status) =>
        !JsonNode.DeepEquals(Of(entity), ToNode(status));

    /// <summary>The merge patch <c>{"status": …}</c> that writes <paramref name="status"/> over the entity's.</summary>
    public static JsonObject PatchFor(IKubernetesObject<V1ObjectMeta> entity, object? status) =>
        new() { ["status"] = JsonMergePatch.Create(Of(entity), ToNode(status)) };
}
