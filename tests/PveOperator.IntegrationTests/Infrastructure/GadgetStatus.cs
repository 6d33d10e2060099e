using System.Text.Json.Serialization;

namespace PveOperator.IntegrationTests.Infrastructure;

internal sealed class GadgetStatus
{
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }
}
