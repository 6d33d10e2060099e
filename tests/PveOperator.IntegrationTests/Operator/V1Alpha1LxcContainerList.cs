using System.Text.Json.Serialization;
using PveOperator.Entities;

namespace PveOperator.IntegrationTests.Operator;

public sealed class V1Alpha1LxcContainerList
{
    [JsonPropertyName("items")]
    public List<V1Alpha1LxcContainer> Items { get; set; } = [];
}
