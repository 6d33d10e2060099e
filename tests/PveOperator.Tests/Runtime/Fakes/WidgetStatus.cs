using System.Text.Json.Serialization;

namespace PveOperator.Tests.Runtime.Fakes;

internal sealed class WidgetStatus
{
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    [JsonPropertyName("observedSize")]
    public int? ObservedSize { get; set; }

    [JsonPropertyName("messages")]
    public List<string>? Messages { get; set; }
}
