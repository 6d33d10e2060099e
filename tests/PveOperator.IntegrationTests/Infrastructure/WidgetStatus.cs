using System.Text.Json.Serialization;

namespace PveOperator.IntegrationTests.Infrastructure;

internal sealed class WidgetStatus
{
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    [JsonPropertyName("observedSize")]
    public int? ObservedSize { get; set; }

    [JsonPropertyName("messages")]
    public List<string>? Messages { get; set; }
}
