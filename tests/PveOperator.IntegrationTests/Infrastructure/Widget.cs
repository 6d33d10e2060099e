using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace PveOperator.IntegrationTests.Infrastructure;

/// <summary>The namespaced test kind (CRD in <see cref="TestCrds"/>).</summary>
[KubernetesEntity(Group = TestCrds.Group, ApiVersion = "v1", Kind = "Widget", PluralName = "widgets")]
internal sealed class Widget : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{TestCrds.Group}/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "Widget";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public WidgetSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public WidgetStatus? Status { get; set; }

    public static Widget New(string @namespace, string name, int size = 0, string? secretName = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace },
        Spec = new WidgetSpec { Size = size, SecretName = secretName },
    };
}
