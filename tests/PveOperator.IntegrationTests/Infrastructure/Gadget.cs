using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using PveOperator.Entities;

namespace PveOperator.IntegrationTests.Infrastructure;

/// <summary>The cluster-scoped test kind (CRD in <see cref="TestCrds"/>).</summary>
[CustomResource(Scope = ResourceScope.Cluster)]
[KubernetesEntity(Group = TestCrds.Group, ApiVersion = "v1", Kind = "Gadget", PluralName = "gadgets")]
internal sealed class Gadget : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{TestCrds.Group}/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "Gadget";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public GadgetSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public GadgetStatus? Status { get; set; }

    public static Gadget New(string name, int size = 0) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new GadgetSpec { Size = size },
    };
}
