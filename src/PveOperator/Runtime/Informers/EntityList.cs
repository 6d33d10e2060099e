using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>The list body of a custom resource list call, typed so that items deserialize at once.</summary>
internal sealed class EntityList<TEntity> : IKubernetesObject<V1ListMeta>, IItems<TEntity>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = string.Empty;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<TEntity> Items { get; set; } = [];
}
