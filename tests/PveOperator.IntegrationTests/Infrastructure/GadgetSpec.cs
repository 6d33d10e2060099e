using System.Text.Json.Serialization;

namespace PveOperator.IntegrationTests.Infrastructure;

internal sealed class GadgetSpec
{
    [JsonPropertyName("size")]
    public int Size { get; set; }
}
