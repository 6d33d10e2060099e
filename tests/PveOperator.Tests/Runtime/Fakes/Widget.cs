using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace PveOperator.Tests.Runtime.Fakes;

/// <summary>A tiny namespaced test kind; the runtime knows nothing more about it than any entity.</summary>
[KubernetesEntity(Group = "test.pve-operator.io", ApiVersion = "v1", Kind = "Widget", PluralName = "widgets")]
internal sealed class Widget : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "test.pve-operator.io/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "Widget";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public WidgetSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public WidgetStatus? Status { get; set; }

    public static Widget Named(string name, string? @namespace = "default") =>
        new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace } };
}
