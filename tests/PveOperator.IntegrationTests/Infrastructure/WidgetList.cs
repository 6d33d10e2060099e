using System.Text.Json.Serialization;
using k8s.Models;

namespace PveOperator.IntegrationTests.Infrastructure;

internal sealed class WidgetList
{
    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public List<Widget> Items { get; set; } = [];
}
